import { CollectorClient } from '@servping/runtime';
import type { RunView } from '@servping/shared';
import { freePorts, startStack, type RunningStack } from '@servping/stack';
import { waitFor } from './bounded-wait';
import {
  ADMIN_TOKEN,
  collectorEnvironment,
  type CollectorEnvironment,
  type DatabaseServers,
} from './collector-process';
import { logDirectory, REPO_ROOT } from './service-process';
import { createTempDatabase, type TempDatabase } from './temp-database';

export interface FullStack {
  env: CollectorEnvironment;
  versionsDb: TempDatabase;
  /** The running processes; a new set after `restart`. */
  readonly stack: RunningStack;
  /** POST /api/v1/runs as admin; returns the run id. */
  trigger(submit?: boolean): Promise<string>;
  /** Versions' `usage_data` rows (stats = payload.counts, duplicate_count) once there is one (bounded, 15 s). */
  delivered(): Promise<Array<{ stats: unknown; duplicate_count: number }>>;
  /** The run view once the run left planned/running (bounded by `timeoutMs`). */
  waitFinished(runId: string, timeoutMs: number): Promise<RunView>;
  /**
   * Stops every process, runs `between` (a reinstall, a restore) and starts them again on the
   * same databases, queue prefix and ports, as an operator's restart would.
   */
  restart(between?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/**
 * The four services as processes (the CLI's stack orchestrator) on this test file's own databases,
 * BullMQ prefix and dictionary. `prepare` fills the instance database and dictionary before start.
 */
export async function startFullStack(options: {
  label: string;
  workers: number;
  env?: Record<string, string>;
  /** Where the servping and instance databases live (default: the shared server). */
  servers?: DatabaseServers;
  /**
   * The server the processes read the instance database from, when not where it was created
   * (a hot standby of `servers.instance`: `postgres://user@host:port`, no database).
   */
  readInstanceFrom?: string;
  prepare: (env: CollectorEnvironment) => Promise<void>;
}): Promise<FullStack> {
  const logs = logDirectory(options.label);
  const env = await collectorEnvironment(options.label, logs.dir, options.servers);
  const versionsDb = await createTempDatabase(`${options.label}_versions`);
  let stack: RunningStack | undefined;
  let launch: (() => Promise<RunningStack>) | undefined;
  const close = async () => {
    await stack?.stop();
    await versionsDb.drop();
    await env.close();
    logs.remove();
  };
  try {
    await options.prepare(env);
    // Every port chosen by the kernel: a worker's ops port next to a free one may be taken.
    const [versions, collector, aggregatorOps, ...workerOps] = (await freePorts(3 + options.workers)) as [
      number,
      number,
      number,
      ...number[],
    ];
    const ports = { versions, collector, aggregatorOps, workerOps };
    launch = () =>
      startStack({
        repoRoot: REPO_ROOT,
        workers: options.workers,
        ports,
        logDir: logs.dir,
        env: {
          PATH: process.env.PATH ?? '',
          LOG_LEVEL: 'info',
          ...env.env,
          VERSIONS_DATABASE_URL: versionsDb.url,
          VERSIONS_HOST: '127.0.0.1',
          VERSIONS_RATE_LIMIT_PER_MINUTE: '0',
          SUBMIT_RETRY_DELAYS_MS: '500,500,500',
          SUBMIT_TIMEOUT_MS: '5000',
          ...(options.readInstanceFrom
            ? { INSTANCE_DATABASE_URL: `${options.readInstanceFrom}/${env.instanceDb.name}` }
            : {}),
          ...options.env,
        },
      });
    stack = await launch();
  } catch (err) {
    await close();
    throw err;
  }
  const running = () => stack as RunningStack;
  const client = () => new CollectorClient(running().collectorUrl, ADMIN_TOKEN);
  return {
    env,
    versionsDb,
    get stack() {
      return running();
    },
    trigger(submit = true) {
      return client().trigger({ submit, requestedBy: 'api' });
    },
    delivered() {
      return waitFor(
        'the payload to reach Versions',
        async () => {
          const { rows } = await versionsDb.client.query(
            "SELECT payload -> 'counts' AS stats, duplicate_count FROM usage_data",
          );
          return rows.length > 0 ? rows : undefined;
        },
        { timeoutMs: 15_000 },
      );
    },
    waitFinished(runId, timeoutMs) {
      // A failed probe (the collector restarting, Redis away) is tried again until the bound.
      return waitFor(
        `run ${runId} to finish`,
        async () => {
          const view = await client().run(runId);
          return view.state === 'finished' || view.state === 'failed' ? view : undefined;
        },
        { timeoutMs, intervalMs: 250 },
      );
    },
    async restart(between) {
      await running().stop();
      stack = undefined;
      await between?.();
      stack = await launch();
    },
    close,
  };
}
