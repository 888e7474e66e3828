import type { Request, RequestHandler } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** `application/json` and `application/<x>+json`, with parameters. */
const JSON_CONTENT_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export interface SameOriginWritesOptions {
  /**
   * Lets a same-origin form post through when this says so: a valid CSRF token in it, or a
   * sign-in form whose password is itself the credential. Without it a request body must be JSON.
   */
  acceptForm?: (req: Request) => boolean;
}

interface Refusal {
  status: number;
  error: string;
  message: string;
}

/**
 * CSRF defence for state-changing requests (anything but GET/HEAD/OPTIONS). Basic auth and cookies
 * are sent by the browser with any cross-site form, so credentials alone prove nothing:
 *  - a browser's `Sec-Fetch-Site` must say `same-origin` (or `none`: typed by the user); a
 *    browser too old to send it must send an `Origin` equal to this server's own origin;
 *  - a body must be JSON (or carry a form token, see `acceptForm`): a cross-site page can
 *    only send JSON after a CORS preflight, which this server never grants.
 * Clients that are not browsers (CLI, curl, other services) send neither header and pass.
 */
export function requireSameOriginWrites(options: SameOriginWritesOptions = {}): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const refusal = crossSiteRefusal(req) ?? bodyTypeRefusal(req, options);
    if (!refusal) return next();
    // The body is not read: close the connection instead of reading the rest of it.
    res
      .status(refusal.status)
      .set('Connection', 'close')
      .json({ error: refusal.error, message: refusal.message });
  };
}

function crossSiteRefusal(req: Request): Refusal | undefined {
  // Sec-Fetch-Site is set by the browser alone and decides when present; Origin can read "null"
  // on a same-origin form post (Chrome does so under Referrer-Policy: no-referrer).
  const site = req.get('sec-fetch-site');
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return undefined;
    return {
      status: 403,
      error: 'cross_site_request',
      message: `a ${site} request cannot change state here`,
    };
  }
  const origin = req.get('origin');
  if (origin !== undefined && origin !== `${req.protocol}://${req.host}`) {
    return {
      status: 403,
      error: 'cross_origin_request',
      message: `requests from origin ${origin} cannot change state here`,
    };
  }
  return undefined;
}

function bodyTypeRefusal(req: Request, options: SameOriginWritesOptions): Refusal | undefined {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || JSON_CONTENT_TYPE.test(req.get('content-type') ?? '')) return undefined;
  if (options.acceptForm?.(req)) return undefined;
  return {
    status: 415,
    error: 'unsupported_media_type',
    message: 'a state-changing request must send Content-Type: application/json',
  };
}
