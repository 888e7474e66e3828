import {
  intersectionEstimateAsync,
  ServpingError,
  toRedisWindow,
  windowKeys,
  type MetricSpec,
} from '@servping/shared';
import { createRedisUsageReader } from '../repositories/redis-usage.repository';
import type { Counter } from './compute-context';

type AggregatedSpec = Extract<MetricSpec, { kind: 'aggregated' }>;

/**
 * GitLab's AggregatedMetric over Redis events. OR is one PFCOUNT over all events' window keys.
 * AND is inclusion–exclusion over the unions of every subset of events, each union one PFCOUNT
 * over that subset's keys (2^n − 1 calls); the result carries the HLL error of the largest union,
 * may be negative for tiny intersections, and is reported unclamped, as GitLab did.
 */
export const computeAggregatedRedis: Counter<AggregatedSpec> = async (spec, metric, ctx) => {
  if (spec.source !== 'redis_hll') {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `aggregated metric ${metric.keyPath} has source ${spec.source}; only redis_hll is computed from Redis`,
    );
  }
  if (spec.events.length === 0) {
    throw new ServpingError('SERVPING_AGGREGATION', `aggregated metric ${metric.keyPath} lists no events`);
  }
  const window = toRedisWindow(metric.timeFrame);
  const reader = createRedisUsageReader(ctx.redis);
  const keysOf = (events: readonly string[]) => windowKeys(events, ctx.recordedAt, window);

  if (spec.operator === 'OR') return { value: await reader.uniqueCount(keysOf(spec.events)) };
  const value = await intersectionEstimateAsync(
    (subset) => reader.uniqueCount(keysOf(subset.map((i) => spec.events[i] as string))),
    spec.events.length,
  );
  return { value };
};
