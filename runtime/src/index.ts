export { createLogger, type Logger } from './logger';
export { createPgPool, type PgPoolOptions } from './pg-pool';
export { createRedis, type RedisClient, type RedisRole } from './redis-connection';
export {
  createMetricsRegistry,
  createOpsRouter,
  startOpsServer,
  type OpsOptions,
  type ReadinessAnswer,
  type ReadinessCheck,
} from './ops-router';
export { runService } from './process-lifecycle';
export {
  runWorkers,
  closeWorkersWithin,
  stopWorkers,
  type QueueWorker,
  type OwnedConnection,
} from './worker-lifecycle';
export { readDatabaseFacts, type SqlQueryable } from './database-facts';
export {
  INSTANCE_SETTINGS_COLUMNS,
  SEND_MODES,
  toInstanceSettings,
  type SendMode,
  type InstanceSettings,
  type InstanceSettingsRow,
} from './instance-settings';
export { readDictionaryFiles, MAX_DEFINITION_FILE_BYTES, type DictionaryFile } from './dictionary-files';
export { createRateLimit } from './rate-limit';
export { limitRequests, type RequestLimitOptions } from './request-limit';
export { repeatedErrorLog, type RepeatedErrorLogOptions } from './repeated-error-log';
export { securityHeaders, type CspDirectives } from './security-headers';
export { requireSameOriginWrites, type SameOriginWritesOptions } from './same-origin-writes';
export { limitFailedAuth, type AuthFailureLimitOptions } from './auth-failure-limit';
export { createBudgetedServer, listen, type WireBudgets } from './wire-budgets';
export { CollectorClient, RunNotStartedError, type RunProblem, type WaitOptions } from './collector-client';
