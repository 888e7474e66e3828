import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Token checks for the read side. Tokens are compared as SHA-256 digests with timingSafeEqual
 * (equal lengths, so the comparison time says nothing about the token), and every configured
 * token is compared, so the time does not depend on which one matched either.
 */
export function tokenMatches(candidate: string, tokens: readonly string[]): boolean {
  const digest = sha256(candidate);
  let matched = false;
  for (const token of tokens) if (timingSafeEqual(digest, sha256(token))) matched = true;
  return matched;
}

/** The token from `Authorization: Bearer <t>` or GitLab's `PRIVATE-TOKEN: <t>`, if any. */
export function tokenFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  const privateToken = headers['private-token'];
  return typeof privateToken === 'string' && privateToken.length > 0 ? privateToken : undefined;
}

/**
 * A stateless dashboard session: `<expiresAtMs>.<hmac>`. Stateless so that any replica sharing
 * VERSIONS_SESSION_SECRET accepts it; it cannot be revoked before it expires except by rotating
 * the secret.
 */
export function signSession(expiresAtMs: number, secret: string): string {
  return `${expiresAtMs}.${hmac(String(expiresAtMs), secret)}`;
}

export function sessionIsValid(value: string, nowMs: number, secret: string): boolean {
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const expected = Buffer.from(hmac(match[1]!, secret));
  const given = Buffer.from(match[2]!);
  return given.length === expected.length && timingSafeEqual(given, expected) && Number(match[1]) > nowMs;
}

/** Reads one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function hmac(text: string, secret: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}
