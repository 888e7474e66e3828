/**
 * `servping metrics compute`: computes metric definitions directly against the instance database
 * and Redis, with no queues, collector or aggregator: the quickest way to see what a new
 * definition returns, how long it takes and why it falls back.
 */
import { hostname } from 'node:os';
import {
  commonEnv,
  isDeferredToAggregator,
  parse,
  readEnv,
  resolveDeferredMetrics,
  type InstanceFacts,
  type MetricDefinition,
  type MetricResult,
  type MetricValue,
} from '@servping/shared';
import { createPgPool, createRedis, readDatabaseFacts } from '@servping/runtime';
import {
  computeEnv,
  computeMetric,
  createRedisUsageReader,
  InstanceDbRepository,
  type ComputeContext,
} from '@servping/compute';
import { parseFlags, UsageError, type Command } from '../command';
import { loadDefinitionsOrReport } from '../load-definitions';

const FLAGS = {
  definitions: { type: 'string' },
  'key-path': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  timings: { type: 'boolean' },
  'recorded-at': { type: 'string' },
  'deadline-s': { type: 'number' },
  concurrency: { type: 'number' },
} as const;

const ENV = {
  instanceDatabaseUrl: commonEnv.instanceDatabaseUrl,
  redisUrl: commonEnv.redisUrl,
  prometheusUrl: computeEnv.prometheusUrl,
  uuid: {
    variable: 'SERVPING_INSTANCE_UUID',
    parse: parse.string,
    default: '00000000-0000-0000-0000-000000000000',
    description: 'uuid reported by the uuid system metric (the collector stores the real one).',
  },
  version: {
    variable: 'SERVPING_VERSION',
    parse: parse.string,
    default: '0.1.0',
    description: 'version reported by the version system metric.',
  },
};

const USAGE = `usage: servping metrics compute --definitions <dir> [--key-path <k>]... [--json] [--timings]
                                [--recorded-at <ISO time>] [--deadline-s <s>] [--concurrency <n>]

Loads the dictionary under <dir> and computes its metrics (or only the --key-path ones, plus the
metrics they add up or aggregate) against INSTANCE_DATABASE_URL and REDIS_URL, without queues.
A failing metric prints GitLab's fallback (-1, {"-1": -1}); --timings shows why.

  --definitions <dir>      metric dictionary directory (required)
  --key-path <k>           compute only this key_path (repeatable)
  --json                   print {"<key_path>": value} as JSON
  --timings                also print seconds and errors per metric
  --recorded-at <ISO>      the run clock the 7d/28d windows derive from (default: now)
  --deadline-s <s>         per-metric deadline in seconds (default 300)
  --concurrency <n>        metrics computed at once (default 4)

Environment: INSTANCE_DATABASE_URL, REDIS_URL, PROMETHEUS_URL, SERVPING_INSTANCE_UUID,
SERVPING_VERSION (system facts the collector would otherwise supply).
`;

export const metricsComputeCommand: Command = {
  name: 'metrics compute',
  summary: 'compute metric definitions directly (no queues) and print their values',
  usage: USAGE,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, FLAGS);
    if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
    if (!flags.definitions) throw new UsageError('--definitions <dir> is required');
    const recordedAt = flags['recorded-at'] ? new Date(flags['recorded-at']) : new Date();
    if (Number.isNaN(recordedAt.getTime()))
      throw new UsageError(`--recorded-at is not a time: ${flags['recorded-at']}`);
    const deadlineS = flags['deadline-s'] ?? 300;
    const concurrency = flags.concurrency ?? 4;
    if (deadlineS <= 0 || !Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError('--deadline-s must be positive and --concurrency a positive integer');
    }
    const env = readEnv(io.env, ENV);

    const definitions = await loadDefinitionsOrReport(flags.definitions, io.stderr);
    if (!definitions) return 1;
    const selected = selectWithInputs(definitions, flags['key-path']);

    const db = InstanceDbRepository.connect({
      connectionString: env.instanceDatabaseUrl,
      applicationName: 'servping-cli',
      statementTimeoutMs: deadlineS * 1000,
    });
    const redis = createRedis(env.redisUrl, 'producer');
    try {
      const ctx: ComputeContext = {
        recordedAt,
        db,
        usage: createRedisUsageReader(redis),
        facts: await standaloneFacts(env),
        settings: {},
        license: {},
        prometheusUrl: env.prometheusUrl,
        deadlineMs: deadlineS * 1000,
        // Batches adapt to statement time as in a worker, so sparse keys need few statements.
        targetStatementMs: computeEnv.targetStatementMs.default,
      };
      const direct = selected.filter((d) => !isDeferredToAggregator(d.spec) || d.status === 'deprecated');
      const computed = await mapWithConcurrency(direct, concurrency, (d) => computeMetric(d, ctx));
      const deferred = resolveDeferredMetrics(selected, computed);
      const byKeyPath = new Map([...computed, ...deferred].map((r) => [r.keyPath, r]));
      const wanted = flags['key-path'].length > 0 ? flags['key-path'] : selected.map((d) => d.keyPath);
      const results = wanted.map((k) => byKeyPath.get(k)).filter((r): r is MetricResult => r !== undefined);
      io.stdout.write(flags.json ? renderJson(results, flags.timings) : renderText(results, flags.timings));
      return 0;
    } finally {
      await Promise.all([db.close(), redis.quit()]);
    }
  },
};

/**
 * The requested definitions plus, transitively, the metrics an `add` sums or a database aggregate
 * merges, in dictionary order; removed definitions are never computed. Unknown key paths are a
 * usage error naming them.
 */
export function selectWithInputs(
  definitions: readonly MetricDefinition[],
  keyPaths: readonly string[],
): MetricDefinition[] {
  const live = definitions.filter((d) => d.status !== 'removed');
  if (keyPaths.length === 0) return live;
  const byKeyPath = new Map(live.map((d) => [d.keyPath, d]));
  const unknown = keyPaths.filter((k) => !byKeyPath.has(k));
  if (unknown.length > 0) throw new UsageError(`unknown key_path: ${unknown.join(', ')}`);
  const chosen = new Set<string>();
  const visit = (keyPath: string) => {
    const definition = byKeyPath.get(keyPath);
    if (!definition || chosen.has(keyPath)) return;
    chosen.add(keyPath);
    const { spec } = definition;
    if (spec.kind === 'add') spec.keyPaths.forEach(visit);
    if (spec.kind === 'aggregated' && spec.source === 'database') spec.events.forEach(visit);
  };
  keyPaths.forEach(visit);
  return live.filter((d) => chosen.has(d.keyPath));
}

async function standaloneFacts(env: {
  instanceDatabaseUrl: string;
  uuid: string;
  version: string;
}): Promise<InstanceFacts> {
  const pool = createPgPool({
    connectionString: env.instanceDatabaseUrl,
    applicationName: 'servping-cli-facts',
    readOnly: true,
    max: 1,
  });
  try {
    return {
      uuid: env.uuid,
      hostname: hostname(),
      version: env.version,
      edition: 'CE',
      installationType: 'cli',
      database: await readDatabaseFacts(pool),
      collectedDataCategories: ['standard', 'subscription', 'operational', 'optional'],
    };
  } finally {
    await pool.end();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

function renderJson(results: readonly MetricResult[], timings: boolean): string {
  const out: Record<string, MetricValue | { value: MetricValue; time_elapsed: number; error?: string }> = {};
  for (const r of results) {
    out[r.keyPath] = timings
      ? { value: r.value, time_elapsed: roundSeconds(r.timeElapsedS), ...(r.error ? { error: r.error } : {}) }
      : r.value;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

function renderText(results: readonly MetricResult[], timings: boolean): string {
  const width = Math.max(0, ...results.map((r) => r.keyPath.length));
  const lines = results.map((r) => {
    const base = `${r.keyPath.padEnd(width)}  ${JSON.stringify(r.value)}`;
    if (!timings) return base;
    return `${base}  (${roundSeconds(r.timeElapsedS)} s)${r.error ? `  error: ${r.error}` : ''}`;
  });
  return `${lines.join('\n')}\n`;
}

const roundSeconds = (s: number) => Math.round(s * 1000) / 1000;
