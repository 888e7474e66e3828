import type { KindModule } from '../kind-module';
import { computeSystemFact } from './counter';

/** GitLab's system classes (UuidMetric, HostnameMetric, …): facts of the instance. */
export const systemKind: KindModule<'system'> = { kind: 'system', counter: computeSystemFact };
