import {
  intersectionEstimateAsync,
  selectionWindowKeys,
  ServpingError,
  toRedisWindow,
  windowKeys,
  type MetricSpec,
} from '@servping/shared';
import type { Counter } from '../../compute-context';
import { refuseDeferred } from '../deferred';

type AggregatedSpec = Extract<MetricSpec, { kind: 'aggregated' }>;

/**
 * GitLab's AggregatedMetric over Redis events: legacy HLL events, or the unique-count sketches
 * of Internal Events (`{hll_counters}_<event>-user-<week>`). OR is one PFCOUNT over all events' window keys.
 * AND is inclusion–exclusion over the unions of every subset of events, each union one PFCOUNT
 * over that subset's keys (2^n − 1 calls); the result carries the HLL error of the largest union,
 * may be negative for tiny intersections, and is reported unclamped, as GitLab did.
 */
const computeAggregatedRedis: Counter<AggregatedSpec> = async (spec, metric, ctx) => {
  if (spec.source === 'database') {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `aggregated metric ${metric.keyPath} has source database; only Redis sources are computed from Redis`,
    );
  }
  if (spec.events.length === 0) {
    throw new ServpingError('SERVPING_AGGREGATION', `aggregated metric ${metric.keyPath} lists no events`);
  }
  const window = toRedisWindow(metric.timeFrame);
  const keysOf = (events: readonly string[]) =>
    spec.source === 'internal_events'
      ? selectionWindowKeys(
          events.map((event) => ({ event, filter: {}, unique: spec.unique })),
          window,
          ctx.recordedAt,
        )
      : windowKeys(events, ctx.recordedAt, window);

  if (spec.operator === 'OR') return { value: await ctx.usage.uniqueCount(keysOf(spec.events)) };
  const value = await intersectionEstimateAsync(
    (subset) => ctx.usage.uniqueCount(keysOf(subset.map((i) => spec.events[i] as string))),
    spec.events.length,
  );
  return { value };
};

/** Database-sourced aggregates merge other metrics' sketches: the aggregator computes them. */
export const computeAggregated: Counter<AggregatedSpec> = (spec, metric, ctx) =>
  spec.source === 'database' ? refuseDeferred(spec, metric, ctx) : computeAggregatedRedis(spec, metric, ctx);
