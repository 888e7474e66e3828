import type { KindModule } from '../kind-module';
import { computeAggregated } from './counter';
import { aggregatedDefinition } from './resolve';

/** GitLab's AggregatedMetric: unions and intersections of unique counts. */
export const aggregatedKind: KindModule<'aggregated'> = {
  kind: 'aggregated',
  counter: computeAggregated,
  definition: aggregatedDefinition,
};
