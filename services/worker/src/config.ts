import { computeEnv } from '@servping/compute';
import {
  commonEnv,
  checkQueuePrefixForRedis,
  parse,
  readEnv,
  type EnvField,
  type EnvValues,
} from '@servping/shared';

export const workerEnv = {
  instanceDatabaseUrl: commonEnv.instanceDatabaseUrl,
  redisUrl: commonEnv.redisUrl,
  queuePrefix: commonEnv.queuePrefix,
  logLevel: commonEnv.logLevel,
  concurrency: {
    variable: 'WORKER_CONCURRENCY',
    parse: parse.int(1, 256),
    // 1 per queue = up to 2 counting statements per worker. Measured at 10⁷ rows on 2 cores with
    // 2 workers (docs/benchmarks.md): 1 → 16.7 s, longest statement ~0.5 s; 2 → 19.7 s, 0.8 s;
    // 4 → 23.1 s, 1.2 s. More statements than cores only stretch each one.
    default: 1,
    description:
      'Database metric and shard jobs computed in parallel by this process (per queue); about one worker per database core at 1.',
  },
  lightConcurrency: {
    variable: 'WORKER_LIGHT_CONCURRENCY',
    parse: parse.int(1, 256),
    // These jobs spend their time on Redis round trips, not on the database: with 1 at a time a
    // 1 000-metric dictionary of system facts took 2.9 ms per metric end to end.
    default: 8,
    description:
      'Jobs of metrics that do not count on the instance database (Redis, system facts, settings, license, Prometheus) computed in parallel by this process.',
  },
  metricDeadlineMs: {
    variable: 'WORKER_METRIC_DEADLINE_MS',
    parse: parse.int(1000, 86_400_000),
    default: 600_000,
    description: 'Wall-clock budget of one metric or shard; past it the metric reports -1.',
  },
  statementTimeoutMs: {
    variable: 'WORKER_STATEMENT_TIMEOUT_MS',
    parse: parse.int(100, 3_600_000),
    default: 15_000,
    description: 'statement_timeout of every counting session on the instance database.',
  },
  targetStatementMs: computeEnv.targetStatementMs,
  databasePoolSize: {
    variable: 'WORKER_DATABASE_POOL_SIZE',
    parse: parse.int(1, 200),
    default: 8,
    description: 'Connections to the instance database (bounds parallel counting statements).',
  },
  lockDurationMs: {
    variable: 'WORKER_LOCK_DURATION_MS',
    parse: parse.int(5000, 600_000),
    default: 60_000,
    description: 'BullMQ job lock; a worker silent for longer is presumed dead and its job re-run.',
  },
  stalledIntervalMs: {
    variable: 'WORKER_STALLED_INTERVAL_MS',
    parse: parse.int(1000, 600_000),
    default: 30_000,
    description:
      "How often this worker looks for jobs whose lock expired (a killed worker's jobs) and re-queues them; a dead worker's job waits up to lock duration + this.",
  },
  stopTimeoutMs: {
    variable: 'WORKER_STOP_TIMEOUT_MS',
    parse: parse.int(0, 600_000),
    default: 20_000,
    description: 'How long a stop waits for running jobs before cancelling them.',
  },
  opsPort: {
    variable: 'WORKER_OPS_PORT',
    parse: parse.int(0, 65535),
    default: 9101,
    description: 'Port of /healthz, /readyz and /metrics.',
  },
  prometheusUrl: computeEnv.prometheusUrl,
} satisfies Record<string, EnvField<unknown>>;

export type WorkerConfig = EnvValues<typeof workerEnv>;

/** The worker's configuration from `env`; throws `ConfigError` listing every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const config = readEnv(env, workerEnv);
  checkQueuePrefixForRedis(config);
  return config;
}
