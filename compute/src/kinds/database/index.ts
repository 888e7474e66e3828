import type { KindModule } from '../kind-module';
import { computeDatabase } from './counter';
import { databaseDefinition } from './resolve';

/** GitLab's DatabaseMetric: batch counters over the instance database. */
export const databaseKind: KindModule<'database'> = {
  kind: 'database',
  counter: computeDatabase,
  definition: databaseDefinition,
};
