// The public surface of @servping/worker: named exports only (the CLI computes metrics with them).
export {
  computeMetric,
  isDeferredToAggregator,
  assertCounterTable,
  COUNTERS,
  METRIC_KINDS,
  type CounterTable,
} from './compute/compute-metric';
export type {
  ComputeContext,
  CounterContext,
  Counter,
  CounterOutput,
  InstanceDbPort,
} from './compute/compute-context';
export { createRedisUsageReader, type RedisUsageReader } from './repositories/redis-usage.repository';
export {
  InstanceDbRepository,
  type InstanceDbOptions,
  type ColumnBounds,
} from './repositories/instance-db.repository';
export {
  computeDatabaseMetric,
  computeDatabaseValue,
  databaseRange,
  type DatabaseMetricInput,
  type InstanceDb,
} from './compute/database-metric';
export { buildWorker, type MetricWorker } from './app';
export { loadConfig, workerEnv, type WorkerConfig } from './config';
