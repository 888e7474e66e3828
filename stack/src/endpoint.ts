/**
 * Where a PostgreSQL or Redis URL points, and the same URL moved to a server started on this
 * machine. Pure: no sockets here (see tcp-probe.ts).
 */
export interface Endpoint {
  host: string;
  port: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Host and port of a `postgres://` or `redis://` URL; `defaultPort` when the URL names none. */
export function endpointOf(url: string, defaultPort: number): Endpoint {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : defaultPort };
}

/** Only a server meant to be on this machine may be replaced by one started here: a remote
 * host that does not answer is a configuration or network fault the user must see. */
export function isLoopback(endpoint: Endpoint): boolean {
  return LOOPBACK.has(endpoint.host);
}

/** `url` pointing at `to` instead, as `user` without a password; database, query and Redis
 * database number are kept. */
export function relocate(url: string, to: Endpoint, user?: string): string {
  const parsed = new URL(url);
  parsed.hostname = to.host;
  parsed.port = String(to.port);
  if (user !== undefined) {
    parsed.username = user;
    parsed.password = '';
  }
  return parsed.toString();
}
