/**
 * What a container does, without Docker: the exact CMD of the `versions` and `worker` targets runs
 * as a child process from the repository root (the image's WORKDIR holds the same tree), with the
 * environment docker-compose gives it, pointed at the local PostgreSQL and Redis instead of the
 * compose hosts. It must serve /healthz and /readyz, pass the target's own HEALTHCHECK command,
 * and exit 0 on SIGTERM well within the compose stop grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { migrateServpingDatabase } from '@servping/collector';
import { loadCompose } from './compose-file';
import { durationMs, loadDockerfile, REPO_ROOT, resolveTarget } from './dockerfile';
import { PORT_VARIABLE, type ServiceName } from './service-env';
import { postgresServerUrl, redisUrl } from '@servping/test-servers';

const LOCAL_PG = postgresServerUrl;
const LOCAL_REDIS = redisUrl();
const RUN_ID = `${process.pid}_${Date.now().toString(36)}`;
const QUEUE_PREFIX = `{servping-infra-${RUN_ID}}`;

const compose = loadCompose();
const stages = loadDockerfile();

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${LOCAL_PG}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A process started from a target's CMD, with its log lines collected as they arrive. */
class ServiceProcess {
  readonly logs: Record<string, unknown>[] = [];
  readonly output: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private pending = '';
  private waiters: { msg: string; resolve: () => void }[] = [];

  constructor(cmd: readonly string[], env: Record<string, string>) {
    const [program, ...args] = cmd;
    // `node` in the image is the Node on PATH; here it is the Node running jest.
    this.child = spawn(program === 'node' ? process.execPath : program!, args, {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  private onStdout(chunk: string): void {
    this.output.push(chunk);
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        this.logs.push(entry);
        this.waiters = this.waiters.filter((w) => (w.msg === entry.msg ? (w.resolve(), false) : true));
      } catch {
        // A non-JSON line (e.g. a Node warning) is kept in `output` for the failure message.
      }
    }
  }

  /** Resolves when the process logs `msg`; rejects with its output if it exits first. */
  waitForLog(msg: string): Promise<void> {
    if (this.logs.some((l) => l.msg === msg)) return Promise.resolve();
    const logged = new Promise<void>((resolve) => this.waiters.push({ msg, resolve }));
    const died = this.exited.then(({ code, signal }) => {
      throw new Error(
        `exited (code ${code}, signal ${signal}) before logging "${msg}":\n${this.output.join('')}`,
      );
    });
    return Promise.race([logged, died]);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Runs the target's HEALTHCHECK command (a `node -e` one-liner) with the container's port variable. */
async function runHealthcheck(service: ServiceName, port: number): Promise<number | null> {
  const [program, ...args] = resolveTarget(stages, service).healthcheck!.command;
  const child = spawn(program === 'node' ? process.execPath : program!, args, {
    env: { PATH: process.env.PATH ?? '', [PORT_VARIABLE[service]]: String(port) },
    stdio: 'ignore',
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

interface Case {
  service: ServiceName;
  databases: string[];
  /** The compose environment with hosts swapped for this machine's services. */
  env: (port: number) => Record<string, string>;
  prepare: () => Promise<void>;
}

const versionsDb = `servping_infra_versions_${RUN_ID}`;
const instanceDb = `servping_infra_instance_${RUN_ID}`;
const servpingDb = `servping_infra_servping_${RUN_ID}`;

const CASES: Case[] = [
  {
    service: 'versions',
    databases: [versionsDb],
    env: (port) => ({
      VERSIONS_DATABASE_URL: `${LOCAL_PG}/${versionsDb}`,
      VERSIONS_PORT: String(port),
      VERSIONS_HOST: '127.0.0.1',
    }),
    prepare: async () => {
      await withAdmin((c) => c.query(`CREATE DATABASE ${versionsDb}`));
    },
  },
  {
    service: 'worker',
    databases: [instanceDb, servpingDb],
    env: (port) => ({
      INSTANCE_DATABASE_URL: `${LOCAL_PG}/${instanceDb}`,
      SERVPING_DATABASE_URL: `${LOCAL_PG}/${servpingDb}`,
      REDIS_URL: LOCAL_REDIS,
      SERVPING_QUEUE_PREFIX: QUEUE_PREFIX,
      WORKER_OPS_PORT: String(port),
    }),
    prepare: async () => {
      await withAdmin((c) => c.query(`CREATE DATABASE ${instanceDb}`));
      // In compose the worker starts after the collector has migrated the servping database.
      await migrateServpingDatabase(`${LOCAL_PG}/${servpingDb}`);
    },
  },
];

describe.each(CASES)('the $service target CMD as a process', ({ service, databases, env, prepare }) => {
  let running: ServiceProcess | undefined;

  beforeAll(prepare);

  afterAll(async () => {
    if (running) {
      running.kill('SIGKILL');
      await running.exited;
    }
    await withAdmin(async (client) => {
      for (const db of databases) await client.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    });
    if (service === 'worker') {
      const redis = new Redis(LOCAL_REDIS);
      const keys = await redis.keys(`${QUEUE_PREFIX}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('serves /healthz and /readyz, passes its HEALTHCHECK, and exits 0 on SIGTERM within the grace period', async () => {
    const target = resolveTarget(stages, service);
    const port = await freePort();
    const containerEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...target.env,
      ...compose.services[service]!.environment,
      ...env(port),
    };
    running = new ServiceProcess(target.cmd!, containerEnv);
    await running.waitForLog('started');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({
      status: 200,
      body: { status: 'ready' },
    });
    expect(await runHealthcheck(service, port)).toBe(0);

    const grace = durationMs(compose.services[service]!.stop_grace_period!);
    const stopStarted = Date.now();
    running.kill('SIGTERM');
    const exit = await running.exited;
    const stopMs = Date.now() - stopStarted;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(grace);
    expect(running.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    // Once stopped, nothing answers on the port any more: the HEALTHCHECK now fails.
    expect(await runHealthcheck(service, port)).toBe(1);
  });
});
