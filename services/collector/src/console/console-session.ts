import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The console's session: a stateless signed cookie `<expiresAtMs>.<nonce>.<mac>`, issued once an
 * admin token was presented in the login form, so the token itself never travels again (nor sits
 * in a URL or browser history). Stateless so that replicas sharing the secret accept it; logging
 * out clears the cookie, and rotating the secret ends every session.
 */
export interface ConsoleSession {
  expiresAtMs: number;
  nonce: string;
}

const SESSION_FORMAT = /^(\d{1,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const mac = (text: string, secret: string) => createHmac('sha256', secret).update(text).digest('base64url');

function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new session cookie value lasting `ttlS` from `nowMs`; `nonce` is a parameter for tests. */
export function issueSession(
  nowMs: number,
  ttlS: number,
  secret: string,
  nonce: string = randomBytes(16).toString('base64url'),
): string {
  const body = `${nowMs + ttlS * 1000}.${nonce}`;
  return `${body}.${mac(`session.${body}`, secret)}`;
}

/** The session a cookie value carries, or undefined when it is malformed, forged or expired. */
export function readSession(
  value: string | undefined,
  nowMs: number,
  secret: string,
): ConsoleSession | undefined {
  const match = value === undefined ? null : SESSION_FORMAT.exec(value);
  if (!match) return undefined;
  const [, expires, nonce, given] = match as unknown as [string, string, string, string];
  if (!equalText(given, mac(`session.${expires}.${nonce}`, secret))) return undefined;
  const expiresAtMs = Number(expires);
  return expiresAtMs > nowMs ? { expiresAtMs, nonce } : undefined;
}

/**
 * The CSRF token of a session (a synchronizer token derived from it, so nothing is stored): every
 * state-changing form carries it in a hidden field and the server recomputes it from the cookie.
 * A page on another origin can make the browser send the cookie, but cannot read the token.
 */
export function csrfToken(session: ConsoleSession, secret: string): string {
  return mac(`csrf.${session.nonce}`, secret);
}

export function csrfTokenMatches(session: ConsoleSession, given: unknown, secret: string): boolean {
  return typeof given === 'string' && equalText(given, csrfToken(session, secret));
}

/** One cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
