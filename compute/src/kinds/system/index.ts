import type { KindModule } from '../kind-module';
import { computeSystemFact } from './counter';
import { systemDefinition } from './resolve';

/** GitLab's system classes (UuidMetric, HostnameMetric, …): facts of the instance. */
export const systemKind: KindModule<'system'> = {
  kind: 'system',
  counter: computeSystemFact,
  definition: systemDefinition,
};
