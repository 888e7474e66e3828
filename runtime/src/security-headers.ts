import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** CSP directives by name, e.g. `{ 'script-src': ["'self'"] }`. */
export type CspDirectives = Record<string, string[]>;

/**
 * The policy of a page that needs nothing from anywhere: inline styles and data: images only, no
 * script, forms posting only to this origin, and no framing (so no clickjacking of its buttons).
 */
const STRICT_CSP: CspDirectives = {
  'default-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'img-src': ['data:'],
  'form-action': ["'self'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers for every response (helmet): a CSP (the strict one above, widened per route
 * with `csp`, e.g. bull-board's own scripts), X-Frame-Options DENY, nosniff, no referrer to other sites, and no
 * X-Powered-By. HSTS is left to the TLS terminator, which knows whether the site is served over
 * TLS and which subdomains that covers.
 */
export function securityHeaders(options: { csp?: CspDirectives } = {}): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...STRICT_CSP, ...options.csp } },
    frameguard: { action: 'deny' },
    // Not no-referrer: under it browsers send `Origin: null` even on same-origin form posts.
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: false,
  });
}
