// The public surface of @servping/compute: computing one metric of any kind, the ports the
// counters reach the world through, and the repositories that implement them. Named exports only.
export { computeMetric } from './compute-metric';
export type { ComputeContext, CounterContext, Counter, CounterOutput, SpecOf } from './compute-context';
export { computeEnv } from './compute-env';
export { withDeadline } from './deadline';
export { KINDS, assertKindTable, definitionKinds, type KindTable } from './kinds/kinds';
export { SYSTEM_CLASSES } from './kinds/system/resolve';
export type { KindModule } from './kinds/kind-module';
export { databaseMetricInput } from './kinds/database/counter';
export {
  computeDatabaseMetric,
  computeDatabaseValue,
  databaseRange,
  withHistogramNullGroup,
  type DatabaseMetricInput,
} from './kinds/database/database-metric';
export type { InstanceDbPort, ColumnBounds } from './ports/instance-db.port';
export type { RedisUsagePort } from './ports/redis-usage.port';
export { InstanceDbRepository, type InstanceDbOptions } from './repositories/instance-db.repository';
export { createRedisUsageReader } from './repositories/redis-usage.repository';
