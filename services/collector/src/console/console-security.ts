import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { cookieValue, csrfTokenMatches, readSession, type ConsoleSession } from './console-session';

export const SESSION_COOKIE = 'servping_console';

/**
 * Headers of every console answer. The CSP allows only this origin's script and style files (no
 * inline script, no inline style attribute, no CDN), so markup that slipped through escaping
 * still could not run; pages are never framed nor cached.
 */
const HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set(HEADERS);
  next();
};

declare module 'express-serve-static-core' {
  interface Locals {
    consoleSession?: ConsoleSession;
  }
}

/**
 * Whether a POST comes from this origin. The browser alone sets `Sec-Fetch-Site`, so it decides
 * when present; an older browser sends `Origin` with every POST. A request with neither (curl,
 * not a browser) still needs the session's CSRF token to change anything.
 */
export function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  return origin === undefined || origin === `${req.protocol}://${req.get('host') ?? ''}`;
}

/**
 * Lets a request through with a valid session cookie; otherwise a page request is sent to the
 * sign-in form and anything else gets 401. Runs before the body is parsed.
 */
export function requireSession(options: {
  base: string;
  secret: string;
  nowMs: () => number;
}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = readSession(
      cookieValue(req.get('cookie'), SESSION_COOKIE),
      options.nowMs(),
      options.secret,
    );
    if (!session) {
      if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html')
        res.redirect(303, `${options.base}/login`);
      else res.status(401).json({ message: '401 Unauthorized: sign in to the console' });
      return;
    }
    res.locals.consoleSession = session;
    next();
  };
}

/** Every state-changing request of a session: same origin and the session's CSRF token (`_csrf`). */
export function requireCsrf(secret: string): RequestHandler {
  return (req, res, next) => {
    const session = res.locals.consoleSession;
    const given = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (!session || !sameOrigin(req) || !csrfTokenMatches(session, given, secret)) {
      res.status(403).type('text').send('403 Forbidden: missing or wrong CSRF token, or a cross-origin form');
      return;
    }
    next();
  };
}
