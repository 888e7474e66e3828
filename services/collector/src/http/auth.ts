import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { TOKEN_SCOPES, type ApiToken, type TokenScope } from '../config';

/** Who a request authenticated as: a stable, non-secret id of its token and the token's scopes. */
export interface Principal {
  tokenId: string;
  scopes: ReadonlySet<TokenScope>;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The configured tokens, kept only as SHA-256 digests: a lookup hashes the presented token first,
 * so comparison time says nothing about how much of a token matched.
 */
export class TokenTable {
  private readonly byDigest = new Map<string, Principal>();

  constructor(adminTokens: readonly string[], apiTokens: readonly ApiToken[]) {
    for (const { token, scopes } of apiTokens) this.add(token, scopes);
    for (const token of adminTokens) this.add(token, TOKEN_SCOPES);
  }

  private add(token: string, scopes: readonly TokenScope[]): void {
    const key = digest(token);
    const all = new Set<TokenScope>(scopes.includes('admin') ? TOKEN_SCOPES : scopes);
    for (const scope of this.byDigest.get(key)?.scopes ?? []) all.add(scope);
    this.byDigest.set(key, { tokenId: key.slice(0, 16), scopes: all });
  }

  resolve(token: string): Principal | undefined {
    return this.byDigest.get(digest(token));
  }
}

/**
 * The token of a request: `PRIVATE-TOKEN` header (GitLab), `Authorization: Bearer`, or the password
 * of `Authorization: Basic`, which lets a browser open the dashboard and run pages.
 */
export function presentedToken(req: Request): string | undefined {
  const privateToken = req.get('private-token');
  if (privateToken) return privateToken;
  const authorization = req.get('authorization') ?? '';
  const [scheme, value] = authorization.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * 401 without a valid token, 403 with a valid token lacking `scope` (GitLab's answers). `browser`
 * adds a Basic challenge so a browser asks for the token.
 */
export function requireScope(
  tokens: TokenTable,
  scope: TokenScope,
  options: { browser?: boolean } = {},
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = presentedToken(req);
    const principal = token === undefined ? undefined : tokens.resolve(token);
    // Refused before its body is read: close rather than wait for (and discard) the rest of it.
    if (!principal || !principal.scopes.has(scope)) {
      if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined)
        res.set('Connection', 'close');
    }
    if (!principal) {
      if (options.browser) res.set('WWW-Authenticate', 'Basic realm="servping", charset="UTF-8"');
      res.status(401).json({ message: '401 Unauthorized' });
      return;
    }
    if (!principal.scopes.has(scope)) {
      res.status(403).json({ message: '403 Forbidden', error: `the token lacks the ${scope} scope` });
      return;
    }
    req.principal = principal;
    next();
  };
}
