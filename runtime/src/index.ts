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
  queueWorkerProcess,
  type QueueWorkerProcess,
  type QueueWorker,
  type OwnedConnection,
} from './worker-lifecycle';
export { readDatabaseFacts, type SqlQueryable } from './database-facts';
export {
  createJobMetrics,
  type JobEventSource,
  type JobMetrics,
  type JobMetricsOptions,
} from './job-metrics';
export { SEND_MODES, type SendMode, type InstanceSettings } from './servping-database/instance-settings';
export {
  SettingsRepository,
  type DeploymentFacts,
  type SettingsChange,
} from './servping-database/settings.repository';
export {
  RunsRepository,
  type CreateRunResult,
  type RunDuration,
  type RunOutcome,
  type RunRecord,
} from './servping-database/runs.repository';
export {
  RawUsageDataRepository,
  type StoredPayload,
  type StoredRef,
} from './servping-database/raw-usage-data.repository';
export { readDictionaryFiles, MAX_DEFINITION_FILE_BYTES, type DictionaryFile } from './dictionary-files';
export { createRateLimit } from './rate-limit';
export { limitRequests, type RequestLimitOptions } from './request-limit';
export { repeatedErrorLog, type RepeatedErrorLogOptions } from './repeated-error-log';
export { securityHeaders, type CspDirectives } from './security-headers';
export { requireSameOriginWrites, type SameOriginWritesOptions } from './same-origin-writes';
export { limitFailedAuth, type AuthFailureLimitOptions } from './auth-failure-limit';
export { createBudgetedServer, listen, type WireBudgets } from './wire-budgets';
export { CollectorClient, RunNotStartedError, type RunProblem, type WaitOptions } from './collector-client';
