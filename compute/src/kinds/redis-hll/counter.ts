import { FALLBACK, toRedisWindow, windowKeys, type MetricSpec } from '@servping/shared';
import type { Counter } from '../../compute-context';

/**
 * GitLab's RedisHLLMetric: unique values over the run's window, one PFCOUNT over every weekly key
 * of every event (Redis counts the union, so a user active in two events or weeks counts once).
 * No keys to read gives -1, as GitLab's `unique_events` does.
 */
export const computeRedisHll: Counter<Extract<MetricSpec, { kind: 'redis_hll' }>> = async (
  spec,
  metric,
  ctx,
) => {
  const keys = windowKeys(spec.events, ctx.recordedAt, toRedisWindow(metric.timeFrame));
  if (keys.length === 0) return { value: FALLBACK };
  return { value: await ctx.usage.uniqueCount(keys) };
};
