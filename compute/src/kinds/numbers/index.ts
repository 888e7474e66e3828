import type { KindModule } from '../kind-module';
import { refuseDeferred } from '../deferred';
import { numbersDefinition } from './resolve';

/** GitLab's NumbersMetric: the sum of other metrics, which the aggregator computes. */
export const numbersKind: KindModule<'add'> = {
  kind: 'add',
  counter: refuseDeferred,
  definition: numbersDefinition,
};
