import type { KindModule } from '../kind-module';
import { computeDatabase } from './counter';

/** GitLab's DatabaseMetric: batch counters over the instance database. */
export const databaseKind: KindModule<'database'> = { kind: 'database', counter: computeDatabase };
