import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

/** The four services as separate processes, started from their built `dist/main.js`, the same
 * command their containers run. Used by `servping demo run`, the end-to-end test and the bench. */
export interface StackOptions {
  repoRoot: string;
  /** Base environment (database URLs, Redis, tokens) shared by every process. */
  env: NodeJS.ProcessEnv;
  workers: number;
  /** `workerOps`: one ops port per worker (at least `workers` of them). */
  ports: { versions: number; collector: number; aggregatorOps: number; workerOps: readonly number[] };
  /** Each process's stdout/stderr goes to `<logDir>/<name>.log`. */
  logDir: string;
  startTimeoutMs?: number;
}

export interface RunningStack {
  versionsUrl: string;
  collectorUrl: string;
  /** Ops URLs (`/healthz`, `/metrics`) of every process by name. */
  opsUrls: Record<string, string>;
  pids: Record<string, number>;
  /** Sends SIGKILL to one process (fault tests). */
  kill(name: string, signal?: NodeJS.Signals): void;
  stop(): Promise<void>;
}

type Service = 'versions' | 'collector' | 'worker' | 'aggregator';

/**
 * Node options each service's process runs with, here, in its container (infra/docker/Dockerfile's
 * NODE_OPTIONS) and under `npm run start`; test/infra/dockerfile.test.ts holds the three equal. Versions parses a ~60 KB JSON body a ping; a 32 MB young generation (Node's
 * default tops out at 16 MB) lets most of each request's garbage die young: 9 % less server CPU a
 * ping in 12 alternated rounds against the default (docs/versions.md, Performance).
 */
export const SERVICE_NODE_OPTIONS: Readonly<Record<Service, readonly string[]>> = {
  versions: ['--max-semi-space-size=32'],
  collector: [],
  worker: [],
  aggregator: [],
};

/** The command line of a service's process: node, its options, its built entry point. */
export function serviceCommand(repoRoot: string, service: Service): string[] {
  return [...SERVICE_NODE_OPTIONS[service], path.join(repoRoot, 'services', service, 'dist', 'main.js')];
}

interface ProcessSpec {
  name: string;
  service: Service;
  env: NodeJS.ProcessEnv;
  opsUrl: string;
}

/** Starts Versions, then the collector side; resolves when every process answers `/healthz`. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { ports } = options;
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const specs: ProcessSpec[] = [
    {
      name: 'versions',
      service: 'versions',
      env: { VERSIONS_PORT: String(ports.versions) },
      opsUrl: local(ports.versions),
    },
    {
      name: 'collector',
      service: 'collector',
      env: { COLLECTOR_PORT: String(ports.collector), VERSIONS_URL: local(ports.versions) },
      opsUrl: local(ports.collector),
    },
    {
      name: 'aggregator',
      service: 'aggregator',
      env: { AGGREGATOR_OPS_PORT: String(ports.aggregatorOps), VERSIONS_URL: local(ports.versions) },
      opsUrl: local(ports.aggregatorOps),
    },
  ];
  for (let i = 0; i < options.workers; i += 1) {
    const port = ports.workerOps[i];
    if (port === undefined)
      throw new Error(`no ops port for worker ${i + 1}: ${ports.workerOps.length} given`);
    specs.push({
      name: `worker-${i + 1}`,
      service: 'worker',
      env: { WORKER_OPS_PORT: String(port) },
      opsUrl: local(port),
    });
  }

  mkdirSync(options.logDir, { recursive: true });
  const children = new Map<string, ChildProcess>();
  const stop = async () => {
    await Promise.all([...children.values()].map((child) => terminate(child, 15_000)));
  };
  try {
    for (const spec of specs) {
      const log = createWriteStream(path.join(options.logDir, `${spec.name}.log`), { flags: 'a' });
      const child = spawn(process.execPath, serviceCommand(options.repoRoot, spec.service), {
        env: { ...options.env, ...spec.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      children.set(spec.name, child);
      // Versions must be up before the collector side starts (the aggregator re-sends at start).
      await waitHealthy(spec, child, options.startTimeoutMs ?? 30_000, options.logDir);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    versionsUrl: local(ports.versions),
    collectorUrl: local(ports.collector),
    opsUrls: Object.fromEntries(specs.map((s) => [s.name, s.opsUrl])),
    pids: Object.fromEntries([...children].map(([name, child]) => [name, child.pid ?? -1])),
    kill(name, signal = 'SIGKILL') {
      children.get(name)?.kill(signal);
    },
    stop,
  };
}

async function waitHealthy(
  spec: ProcessSpec,
  child: ChildProcess,
  timeoutMs: number,
  logDir: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Widened on purpose: the 'exit' listener sets it, which TypeScript's narrowing cannot see.
  let exited = null as number | null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(
        `${spec.name} exited with code ${exited} during start; see ${path.join(logDir, `${spec.name}.log`)}`,
      );
    }
    try {
      const res = await fetch(`${spec.opsUrl}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${spec.name} did not answer ${spec.opsUrl}/healthz within ${timeoutMs} ms`);
}

function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
