import type { MetricSpec } from '@servping/shared';
import type { Counter } from '../../compute-context';

/** GitLab's RedisMetric: the value of a plain counter; never incremented means 0. */
export const computeRedisCounter: Counter<Extract<MetricSpec, { kind: 'redis_counter' }>> = async (
  spec,
  _metric,
  ctx,
) => ({
  value: await ctx.usage.counterValue(spec.key),
});
