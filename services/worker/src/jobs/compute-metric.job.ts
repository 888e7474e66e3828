import type { Job } from 'bullmq';
import {
  errorText,
  failedMetricResult,
  isTransientDatabaseError,
  finalValue,
  mergePartials,
  partialFromWire,
  serializeSketch,
  type JobDataByName,
  type MetricResult,
  type PartialResult,
  type PlannedMetric,
} from '@servping/shared';
import {
  computeMetric,
  databaseMetricInput,
  withHistogramNullGroup,
  type ComputeContext,
} from '@servping/compute';
import { missingFactsReason } from './run-compute-context';
import type { ShardOutcome } from './compute-shard.job';

/**
 * Computes one metric. An unsharded metric runs its counter. A sharded one runs after its shard
 * children (the planner put them in the flow) and merges their partials; if any shard failed the
 * metric reports its fallback with that shard's error, never a silently partial count. A
 * transient database fault while merging (the histogram's NULL group) fails the job for BullMQ
 * to retry, as in `computeMetric`. The return value is the metric's `MetricResult`, which the aggregator reads.
 */
export async function computeMetricJob(
  job: Job<JobDataByName['compute-metric'] | JobDataByName['compute-light-metric']>,
  context: () => ComputeContext,
): Promise<MetricResult> {
  const { metric } = job.data;
  const shards = 'shards' in job.data ? job.data.shards : undefined;
  const missing = missingFactsReason(metric.spec, job.data);
  if (missing) return failedMetricResult(metric, missing, 0);
  if (!shards || shards.length === 0) return computeMetric(metric, context());

  const [values, failures] = await Promise.all([
    job.getChildrenValues<ShardOutcome>(),
    job.getIgnoredChildrenFailures(),
  ]);
  const outcomes = Object.values(values);
  const timeElapsedS = outcomes.reduce((sum, o) => sum + o.timeElapsedS, 0);
  const failed = Object.entries(failures)[0];
  if (failed) return failedMetricResult(metric, `shard ${failed[0]} failed: ${failed[1]}`, timeElapsedS);
  if (outcomes.length !== shards.length) {
    return failedMetricResult(
      metric,
      `${outcomes.length} of ${shards.length} shard results found`,
      timeElapsedS,
    );
  }
  const started = performance.now();
  try {
    const shardsMerged = outcomes
      .map((o) => partialFromWire(o.partial))
      .reduce((a: PartialResult, b) => mergePartials(a, b));
    const merged = await withNullGroupOf(shardsMerged, metric, context());
    const value = finalValue(merged);
    const kept = outcomes.flatMap((o) => (o.batchSizeKept === undefined ? [] : [o.batchSizeKept]));
    return {
      keyPath: metric.keyPath,
      value,
      timeElapsedS: timeElapsedS + (performance.now() - started) / 1000,
      ...(merged.kind === 'sketch' ? { sketch: serializeSketch(merged.registers) } : {}),
      ...(kept.length === 0 ? {} : { batchSizeKept: Math.max(...kept) }),
    };
  } catch (err) {
    if (isTransientDatabaseError(err)) throw err;
    return failedMetricResult(metric, errorText(err), timeElapsedS + (performance.now() - started) / 1000);
  }
}

/** The shards cover the column's value ranges; a histogram's NULL group is counted once, here. */
function withNullGroupOf(
  partial: PartialResult,
  metric: PlannedMetric,
  ctx: ComputeContext,
): Promise<PartialResult> {
  if (metric.spec.kind !== 'database') return Promise.resolve(partial);
  return withHistogramNullGroup(partial, databaseMetricInput(metric.spec, metric, ctx));
}
