import { selectionWindowKeys, type MetricSpec } from '@servping/shared';
import type { Counter } from '../../compute-context';

/**
 * An Internal Events metric is one read of what the tracking API maintained: a total is the sum
 * of its selections' counters over the window (MGET), as GitLab's TotalCountMetric sums them; a
 * unique count is one PFCOUNT over every weekly sketch, as its UniqueCountMetric.
 */
export const computeInternalEvents: Counter<Extract<MetricSpec, { kind: 'internal_events' }>> = async (
  spec,
  metric,
  ctx,
) => {
  const keys = selectionWindowKeys(spec.selections, metric.timeFrame, ctx.recordedAt);
  return {
    value: spec.operation === 'total' ? await ctx.usage.counterSum(keys) : await ctx.usage.uniqueCount(keys),
  };
};
