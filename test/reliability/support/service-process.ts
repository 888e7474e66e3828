import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export type ServiceName = 'versions' | 'collector' | 'worker' | 'aggregator' | 'cli';

export interface ServiceProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<number | NodeJS.Signals>;
  alive(): boolean;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  log(): string;
}

/** A port that was free a moment ago on 127.0.0.1 (the service binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** A directory for one test file's process logs; removed by the returned function. */
export function logDirectory(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `servping-rel-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Spawns `services/<service>/dist/main.js` (the command its container runs) with `env` on top of
 * a minimal environment; stdout and stderr go to `<logDir>/<name>.log`.
 */
export function spawnService(
  service: ServiceName,
  options: {
    name?: string;
    env: Record<string, string>;
    logDir: string;
    args?: string[];
    /** A command the process runs under (e.g. `ip netns exec <namespace>`). */
    wrapper?: readonly string[];
  },
): ServiceProcess {
  const name = options.name ?? service;
  const logFile = path.join(options.logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const command = [
    ...(options.wrapper ?? []),
    process.execPath,
    path.join(REPO_ROOT, 'services', service, 'dist', 'main.js'),
    ...(options.args ?? []),
  ];
  const child = spawn(command[0] as string, command.slice(1), {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid: child.pid ?? -1,
    child,
    logFile,
    exited,
    alive,
    kill(signal = 'SIGKILL') {
      if (alive()) child.kill(signal);
    },
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
      await new Promise<void>((resolve) => log.end(resolve));
    },
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
}

/** Resolves when `url` answers 2xx; fails early when the process exits, or after `timeoutMs`. */
export async function waitHealthy(proc: ServiceProcess, url: string, timeoutMs = 20_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (let i = 0; i < timeoutMs / 100 + 1 && Date.now() < giveUpAt; i += 1) {
    if (!proc.alive()) throw new Error(`${proc.name} exited during start:\n${proc.log().slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} not healthy at ${url} within ${timeoutMs} ms:\n${proc.log().slice(-3000)}`);
}

/** Starts a Versions process on its own database and port, migrated, rate limit as given. */
export async function startVersionsProcess(options: {
  databaseUrl: string;
  logDir: string;
  name?: string;
  env?: Record<string, string>;
}): Promise<{ proc: ServiceProcess; url: string; port: number }> {
  const port = await freePort();
  const proc = spawnService('versions', {
    name: options.name ?? 'versions',
    logDir: options.logDir,
    env: {
      VERSIONS_DATABASE_URL: options.databaseUrl,
      VERSIONS_PORT: String(port),
      VERSIONS_HOST: '127.0.0.1',
      VERSIONS_READ_TOKENS: 'reliability-reader',
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(proc, `${url}/readyz`);
  return { proc, url, port };
}

/** Runs `servping <args>` from the built CLI to completion (bounded by `timeoutMs`). */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'services', 'cli', 'dist', 'main.js'), ...args],
    {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
