import {
  DEPRECATED_VALUE,
  errorText,
  fallbackFor,
  isDeferredToAggregator,
  isTransientDatabaseError,
  ServpingError,
  type MetricKind,
  type MetricResult,
  type MetricSpec,
  type PlannedMetric,
} from '@servping/shared';
import { computeAggregatedRedis } from './aggregated-redis-metric';
import type { ComputeContext, Counter } from './compute-context';
import { computeDatabaseValue, type DatabaseMetricInput } from './database-metric';
import { withDeadline } from './deadline';
import { computeLicenseField } from './license-metric';
import { computePrometheus } from './prometheus-metric';
import { computeRedisCounter } from './redis-counter-metric';
import { computeRedisHll } from './redis-hll-metric';
import { computeSetting } from './setting-metric';
import { computeSystemFact } from './system-metric';

type SpecOf<K extends MetricKind> = Extract<MetricSpec, { kind: K }>;
export type CounterTable = { [K in MetricKind]: Counter<SpecOf<K>> };

/** `add` and database-sourced aggregates need the whole run: the aggregator resolves them. */
export { isDeferredToAggregator };

function deferredError(metric: PlannedMetric): ServpingError {
  return new ServpingError(
    'SERVPING_AGGREGATION',
    `${metric.keyPath} (${metric.spec.kind}) is computed from other metrics' results by the aggregator, not by a worker`,
  );
}

const refuseDeferred: Counter = async (_spec, metric) => {
  throw deferredError(metric);
};

/** What the counting engine needs of a database metric in a run's context. */
export function databaseMetricInput(
  spec: SpecOf<'database'>,
  metric: Pick<PlannedMetric, 'timeFrame'>,
  ctx: ComputeContext,
): Omit<DatabaseMetricInput, 'range'> {
  return {
    query: spec.query,
    timeFrame: metric.timeFrame,
    recordedAt: ctx.recordedAt,
    db: ctx.db,
    signal: ctx.signal,
    targetStatementMs: ctx.targetStatementMs,
  };
}

/** Every kind has exactly one counter; the mapped type makes a missing kind a compile error. */
export const COUNTERS: CounterTable = {
  database: (spec, metric, ctx) => computeDatabaseValue(databaseMetricInput(spec, metric, ctx)),
  redis_counter: computeRedisCounter,
  redis_hll: computeRedisHll,
  aggregated: (spec, metric, ctx) =>
    spec.source === 'database'
      ? refuseDeferred(spec, metric, ctx)
      : computeAggregatedRedis(spec, metric, ctx),
  add: refuseDeferred,
  system: computeSystemFact,
  setting: computeSetting,
  license: computeLicenseField,
  prometheus: computePrometheus,
  unsupported: async (spec) => {
    throw new ServpingError('SERVPING_UNSUPPORTED_METRIC', spec.reason);
  },
};

/** The kinds as a runtime list, checked against `MetricKind` at compile time in both directions. */
export const METRIC_KINDS = [
  'database',
  'redis_counter',
  'redis_hll',
  'aggregated',
  'add',
  'system',
  'setting',
  'license',
  'prometheus',
  'unsupported',
] as const satisfies readonly MetricKind[];
// Does not type-check if a MetricKind is missing from METRIC_KINDS.
const _everyKindListed: [Exclude<MetricKind, (typeof METRIC_KINDS)[number]>] extends [never] ? true : never =
  true;

/**
 * Fails at startup unless `table` holds exactly one function per kind and nothing else (a kind
 * typed as `any` somewhere, or a table built at runtime, would otherwise slip through).
 */
export function assertCounterTable(table: Readonly<Record<string, unknown>>): void {
  const problems: string[] = [];
  for (const kind of METRIC_KINDS) {
    if (typeof table[kind] !== 'function') problems.push(`no counter for kind '${kind}'`);
  }
  for (const key of Object.keys(table)) {
    if (!(METRIC_KINDS as readonly string[]).includes(key))
      problems.push(`counter for unknown kind '${key}'`);
  }
  if (problems.length > 0) {
    throw new ServpingError(
      'SERVPING_UNSUPPORTED_METRIC',
      `counter table is invalid: ${problems.join('; ')}`,
    );
  }
}

assertCounterTable(COUNTERS);

/**
 * Computes one metric and turns every failure into data: the result carries GitLab's fallback,
 * the error text and the time spent, so one bad metric never sinks its batch. Deprecated metrics
 * report -1000 without running. Only three things throw: a deferred kind (a planning bug), an
 * abort of `ctx.signal` (the job is being cancelled) and a transient database fault that outlasted
 * the repository's retries (`classifyDatabaseError`): for the last two a retry of the job, not a
 * -1, is the right outcome, since a -1 in the payload would report an outage as the metric's value.
 */
export async function computeMetric(metric: PlannedMetric, ctx: ComputeContext): Promise<MetricResult> {
  const { keyPath, spec } = metric;
  if (metric.status === 'deprecated') return { keyPath, value: DEPRECATED_VALUE, timeElapsedS: 0 };
  if (metric.status === 'removed') {
    throw new ServpingError('SERVPING_DEFINITION', `${keyPath} is removed and must not be computed`);
  }
  if (isDeferredToAggregator(spec)) throw deferredError(metric);

  // The table is keyed by kind, so the counter found under spec.kind accepts this spec.
  const counter = COUNTERS[spec.kind] as unknown as Counter;
  const startedMs = performance.now();
  const elapsedS = () => (performance.now() - startedMs) / 1000;
  try {
    const out = await withDeadline(
      (signal) => counter(spec, metric, { ...ctx, signal }),
      ctx.signal,
      ctx.deadlineMs,
    );
    return {
      keyPath,
      value: out.value,
      timeElapsedS: elapsedS(),
      ...(out.sketch ? { sketch: out.sketch } : {}),
    };
  } catch (error) {
    if (ctx.signal?.aborted || isTransientDatabaseError(error)) throw error;
    return { keyPath, value: fallbackFor(spec, error), timeElapsedS: elapsedS(), error: errorText(error) };
  }
}
