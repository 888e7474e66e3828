import type { Request, RequestHandler } from 'express';
import { cookieValue, sessionIsValid, tokenFromHeaders, tokenMatches } from './read-auth';

export const SESSION_COOKIE = 'versions_session';

export interface ReaderAuth {
  tokens: readonly string[];
  /** Set for the dashboard, which also accepts its session cookie; the API takes tokens only. */
  session?: { secret: string; nowMs: () => number };
}

/** True when the request carries a valid read token (header) or, if allowed, a valid session cookie. */
export function isReader(req: Request, auth: ReaderAuth): boolean {
  const token = tokenFromHeaders(req.headers);
  if (token !== undefined) return tokenMatches(token, auth.tokens);
  if (!auth.session) return false;
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return cookie !== undefined && sessionIsValid(cookie, auth.session.nowMs(), auth.session.secret);
}

/** 401 (with `WWW-Authenticate: Bearer`) unless the request carries a valid read token. */
export function requireReadToken(tokens: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (isReader(req, { tokens })) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer realm="versions"').json({
      error: 'unauthorized',
      message: 'a valid read token is required (Authorization: Bearer or PRIVATE-TOKEN)',
    });
  };
}
