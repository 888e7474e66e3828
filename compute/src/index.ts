// The public surface of @servping/compute: computing one metric of any kind, the kinds' table,
// the ports the counters reach the world through, and the repositories that implement them.
// Named exports only; what no other package uses stays internal.
export { computeMetric } from './compute-metric';
export type { ComputeContext } from './compute-context';
export { computeEnv } from './compute-env';
export { withDeadline } from './deadline';
export { KINDS, definitionKinds } from './kinds/kinds';
export { databaseMetricInput } from './kinds/database/counter';
export {
  computeDatabaseMetric,
  countDatabaseMetric,
  withHistogramNullGroup,
} from './kinds/database/database-metric';
export type { InstanceDbPort, ColumnBounds } from './ports/instance-db.port';
export type { RedisUsagePort } from './ports/redis-usage.port';
export { InstanceDbRepository, type InstanceDbOptions } from './repositories/instance-db.repository';
export { createRedisUsageReader } from './repositories/redis-usage.repository';
