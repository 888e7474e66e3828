/**
 * A Redis server for a machine where none answers. No npm package ships one, so this starts the
 * machine's `redis-server` (installing Debian's package first when it can) in `<dir>`, with an
 * append-only file so the next start finds the data again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, runToEnd, waitFor, type LocalServer } from './local-process';
import { answers, freePortFrom } from './tcp-probe';

const FIRST_PORT = 16379;

/** The one message for a machine where servping can neither find nor install Redis. */
export function noRedisMessage(url: string): string {
  return [
    `nothing answers at REDIS_URL (${url}) and redis-server is not installed. Either:`,
    '  - install Redis (`brew install redis`, `sudo apt-get install redis-server`) and run again: it is started for you;',
    '  - `docker compose up -d` (PostgreSQL and Redis in containers);',
    '  - or set REDIS_URL to a Redis that is running.',
  ].join('\n');
}

/** Starts redis-server in `dir` (installing it first as root on Debian/Ubuntu), or reuses the one
 * still running there. `url` is the REDIS_URL that did not answer, for the messages. */
export async function startLocalRedis(
  dir: string,
  url: string,
  log: (line: string) => void,
): Promise<LocalServer> {
  const server = (await onPath('redis-server')) ?? (await installRedis(log));
  if (server === undefined) throw new Error(noRedisMessage(url));
  await mkdir(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis.pid');
  const portFile = path.join(dir, 'port');
  const pid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : NaN);
  const stop = async () => {
    const running = pid();
    if (!isAlive(running)) return;
    process.kill(running, 'SIGTERM');
    if (!(await waitFor(() => !isAlive(running), 30_000)))
      throw new Error(`redis-server (pid ${running}) did not stop; see ${path.join(dir, 'redis.log')}`);
  };
  const result = (port: number): LocalServer => ({ url: `redis://127.0.0.1:${port}`, port, dir, stop });

  const stored = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : FIRST_PORT;
  if (isAlive(pid()) && (await answers({ host: '127.0.0.1', port: stored }))) {
    log(`Redis left running in ${dir} on 127.0.0.1:${stored}: reusing it`);
    return result(stored);
  }
  const port = await freePortFrom(Number.isInteger(stored) && stored > 0 ? stored : FIRST_PORT);
  await writeFile(portFile, `${port}\n`);
  // prettier-ignore
  const args = [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir,
    '--appendonly', 'yes', '--save', '',
    '--daemonize', 'yes', '--pidfile', pidFile, '--logfile', path.join(dir, 'redis.log'),
  ];
  const started = await runToEnd(server, args);
  if (started.code !== 0 || !(await waitFor(() => answers({ host: '127.0.0.1', port }, 300), 15_000)))
    throw new Error(
      `redis-server did not start on port ${port}; see ${path.join(dir, 'redis.log')}\n${started.output}`,
    );
  return result(port);
}

async function onPath(program: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(folder, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** As root on Debian/Ubuntu: `apt-get install -y redis-server` (after `apt-get update` when the
 * package lists are empty or stale). Anywhere else: undefined. */
async function installRedis(log: (line: string) => void): Promise<string | undefined> {
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version') || !(await onPath('apt-get')))
    return undefined;
  log('Redis is not installed: installing it with `apt-get install -y redis-server` (Debian package)');
  const install = () => runToEnd('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server']);
  let installed = await install();
  if (installed.code !== 0) {
    log('apt-get could not find it: running `apt-get update` first');
    await runToEnd('apt-get', ['update']);
    installed = await install();
  }
  if (installed.code !== 0)
    throw new Error(
      `apt-get install redis-server failed:\n${installed.output.trim().split('\n').slice(-5).join('\n')}`,
    );
  return (
    (await onPath('redis-server')) ??
    (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined)
  );
}
