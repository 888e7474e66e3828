import type { Logger } from 'pino';
import { startOpsServer, type OpsOptions } from './ops-router';

/** What these helpers need of a BullMQ `Worker`: structural, so runtime does not depend on bullmq. */
export interface QueueWorker {
  run(): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}

/**
 * Starts the processing loop of workers built with `autorun: false`. The promise resolves once
 * every loop has ended; a loop that ends with an error is logged, not rethrown, so `stop()` can
 * always await it.
 */
export async function runWorkers(workers: readonly QueueWorker[], logger: Logger): Promise<void> {
  await Promise.all(
    workers.map((w) =>
      w.run().catch((err: unknown) => logger.error({ err }, 'worker stopped with an error')),
    ),
  );
}

/**
 * Closes workers, waiting at most `timeoutMs` for their running jobs: `close()` alone waits
 * without a bound. Past the budget it calls `onOverrun` (e.g. to cancel the jobs) and force-closes
 * every worker; BullMQ's stalled-job check then re-runs the abandoned jobs elsewhere, so only
 * idempotent jobs may be stopped this way.
 *
 * Resolves `true` once every worker has closed, or `false` when even the forced close has not
 * finished after a second `timeoutMs`: BullMQ's close never settles while Redis is unreachable
 * (taskforcesh/bullmq#4656), so the caller must then drop its Redis connections (`disconnect()`,
 * not `quit()`, which would wait for the same unreachable server).
 */
export async function closeWorkersWithin(
  workers: readonly QueueWorker[],
  timeoutMs: number,
  onOverrun?: () => void,
): Promise<boolean> {
  let giveUp: NodeJS.Timeout | undefined;
  const abandoned = new Promise<false>((resolve) => {
    giveUp = setTimeout(() => resolve(false), 2 * timeoutMs);
  });
  const forced = setTimeout(() => {
    onOverrun?.();
    for (const w of workers) void w.close(true);
  }, timeoutMs);
  try {
    return await Promise.race([
      Promise.all(workers.map((w) => w.close())).then(() => true as const),
      abandoned,
    ]);
  } finally {
    clearTimeout(forced);
    clearTimeout(giveUp);
  }
}

/** What `stopWorkers` needs of an ioredis client the process owns. */
export interface OwnedConnection {
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * The whole stop of a process's BullMQ side: close the workers within `timeoutMs` (see
 * `closeWorkersWithin`), wait for their loops, close what depends on the connections (queues),
 * then quit the connections. When even the forced close hangs (Redis unreachable), the
 * connections are dropped instead, since every graceful step would wait on the same server.
 */
export async function stopWorkers(options: {
  workers: readonly QueueWorker[];
  running: Promise<void> | undefined;
  timeoutMs: number;
  onOverrun?: () => void;
  /** Closed after the workers, before the connections (e.g. producer queues). */
  dependents?: readonly { close(): Promise<unknown> }[];
  connections: readonly OwnedConnection[];
  logger: Logger;
}): Promise<void> {
  if (await closeWorkersWithin(options.workers, options.timeoutMs, options.onOverrun)) {
    await options.running;
    await Promise.all((options.dependents ?? []).map((d) => d.close()));
    await Promise.all(options.connections.map((c) => c.quit()));
    return;
  }
  options.logger.warn('workers did not close (Redis unreachable?); dropping the connections');
  for (const c of options.connections) c.disconnect();
}

/** A process whose work is BullMQ workers: the worker's and the aggregator's. */
export interface QueueWorkerProcess {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The ops server's port once started (useful with an ops port of 0). */
  opsPort(): number | undefined;
}

/**
 * The start and stop of a process whose work is `workers`: `start` opens the ops server
 * (`/healthz`, `/readyz` over `ops.checks`, `/metrics`), runs `beforeRun` (e.g. re-enqueueing
 * what an earlier process left), then the workers' loops; `stop` stops the BullMQ side
 * (`stopWorkers`), then `close` (the process's database pool), then the ops server.
 */
export function queueWorkerProcess(options: {
  ops: OpsOptions & { port: number };
  workers: readonly QueueWorker[];
  logger: Logger;
  beforeRun?: () => Promise<unknown>;
  stop: Omit<Parameters<typeof stopWorkers>[0], 'workers' | 'running' | 'logger'>;
  close: () => Promise<unknown>;
}): QueueWorkerProcess {
  let ops: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  let running: Promise<void> | undefined;
  return {
    async start() {
      ops = await startOpsServer(options.ops);
      await options.beforeRun?.();
      running = runWorkers(options.workers, options.logger);
    },
    async stop() {
      await stopWorkers({ ...options.stop, workers: options.workers, running, logger: options.logger });
      await options.close();
      await ops?.close();
    },
    opsPort: () => ops?.port,
  };
}
