import { ServpingError, type PlannedMetric } from '@servping/shared';
import type { Counter } from '../compute-context';

/** Why a worker must not compute a metric the aggregator resolves from other metrics' results. */
export function deferredError(metric: PlannedMetric): ServpingError {
  return new ServpingError(
    'SERVPING_AGGREGATION',
    `${metric.keyPath} (${metric.spec.kind}) is computed from other metrics' results by the aggregator, not by a worker`,
  );
}

/** The counter of kinds (or sources) that need the whole run: it refuses, naming the metric. */
export const refuseDeferred: Counter = (_spec, metric) => Promise.reject(deferredError(metric));
