import type { PlannedMetric } from '@servping/shared';
import type { ComputeContext, Counter, SpecOf } from '../../compute-context';
import { computeDatabaseValue, type DatabaseMetricInput } from './database-metric';

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

/** A database metric over its whole batch column (shards are the worker's shard job). */
export const computeDatabase: Counter<SpecOf<'database'>> = (spec, metric, ctx) =>
  computeDatabaseValue(databaseMetricInput(spec, metric, ctx));
