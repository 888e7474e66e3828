// The public surface of @servping/shared: named exports only. Each area adds its exports here.
export {
  ServpingError,
  ConfigError,
  DefinitionError,
  CounterConfigError,
  QueryTimeoutError,
  SubmissionError,
  formatDefinitionProblem,
  type ErrorCode,
  type ConfigProblem,
  type DefinitionProblem,
} from './errors';
export { classifyDatabaseError, isTransientDatabaseError, type DatabaseFault } from './faults/database-fault';
export {
  readEnv,
  describeConfig,
  parse,
  type EnvField,
  type EnvSpec,
  type EnvValues,
} from './config/env-reader';
export { commonEnv, checkQueuePrefixForRedis } from './config/common-env';
export { redisConnectionPlan, hasHashTag, type RedisConnectionPlan } from './config/redis-connection-plan';
export {
  STATUSES,
  DATA_SOURCES,
  DATA_CATEGORIES,
  DATABASE_OPERATIONS,
  FILTER_OPERATORS,
  SYSTEM_FACTS,
  UNIQUE_IDENTIFIERS,
} from './definitions/types';
export type {
  MetricDefinition,
  MetricSpec,
  MetricKind,
  MetricStatus,
  DataSource,
  DataCategory,
  TimeFrame,
  DatabaseQuery,
  DatabaseOperation,
  DistinctStrategy,
  ColumnRef,
  QueryFilter,
  QueryJoin,
  FilterOperator,
  FilterValue,
  SystemFact,
  EventSelection,
  UniqueIdentifier,
} from './definitions/types';
export {
  parseDefinitionFile,
  expandTimeFrames,
  type DefinitionFile,
  type DictionaryResult,
} from './definitions/parse-definition-file';
export {
  loadDictionary,
  loadDictionaryOrThrow,
  loadEvents,
  loadEventsOrThrow,
  type LoadedDictionary,
} from './definitions/load-dictionary';
export {
  isEventFile,
  EVENT_IDENTIFIERS,
  type EventDefinition,
  type EventIdentifier,
} from './definitions/event-definition';
export { trackedEventProblem, type TrackedInput } from './definitions/check-tracked-event';
export { toMetricSpec } from './definitions/metric-spec';
export {
  schemaGeneration,
  SCHEMA_GENERATIONS,
  SCHEMA_GENERATION_LABELS,
  type SchemaGeneration,
} from './definitions/schema-generation';
export {
  specOk,
  specInvalid,
  specUnsupported,
  type DefinitionKind,
  type SchemaIssue,
  type SpecResult,
} from './definitions/definition-kind';
export { withOptions } from './definitions/schema-validator';
export {
  objectSchema,
  classOptionsRule,
  identifierSchema,
  columnRefSchema,
  nonEmptyStringSchema,
  nullableStringSchema,
  nonEmptyStringListSchema,
  type OptionsSchema,
} from './definitions/definition-schema';
export { payloadDefinitions } from './definitions/payload-definitions';
export { definitionsToYaml } from './definitions/definitions-yaml';
export type { DefinitionYaml } from './definitions/definition-schema';
export type { MetricResult, MetricValue, PassTiming, SerializedSketch } from './payload/metric-result';
export {
  QUEUE_NAMES,
  computeJobName,
  JOB_QUEUE,
  type QueueName,
  type JobName,
  type JobDataByName,
  type PlannedMetric,
  type ShardRange,
  type PlannedPass,
  type RunContext,
  type RunFacts,
} from './pipeline/jobs';
export { counterKey, type CounterKeyParts } from './redis-metrics/counter-key';
export { isoWeek, isoWeekStart, formatIsoWeek, type IsoWeek } from './redis-metrics/iso-week';
export { hllKey, hllWeekKey, HLL_KEY_EXPIRY_S, HLL_REDIS_SLOT } from './redis-metrics/hll-key';
export { windowWeeks, windowKeys, toRedisWindow, type RedisWindow } from './redis-metrics/window-weeks';
export { knownEvents, knownCounterKeys } from './redis-metrics/known-events';
export { hashText, pfcountSlotPlan, groupByHashText } from './redis-metrics/slot-groups';
export { selectionKey, selectionWindowKeys, EVENT_COUNTERS_SLOT } from './redis-metrics/event-selection-keys';
export { trackingRules, type TrackingRule } from './redis-metrics/tracking-rules';
export {
  eventWrites,
  type TrackedEvent,
  type RedisWrite,
  type PropertyValue,
} from './redis-metrics/event-writes';
export {
  fallbackFor,
  errorText,
  FALLBACK,
  HISTOGRAM_FALLBACK,
  DEPRECATED_VALUE,
  DISTRIBUTED_HLL_FALLBACK,
  NON_SQL_METRIC,
} from './payload/fallback';
export { resolveDeferredMetrics, isDeferredToAggregator, addValues } from './payload/deferred-metrics';
export { nestByKeyPath, KeyPathConflictError, type PayloadObject } from './payload/nest-by-key-path';
export { instanceFactEntries, type InstanceFacts } from './payload/instance-facts';
export {
  timingsMetadata,
  toWireTimingsMetadata,
  type MetricTiming,
  type TimingsMetadata,
  type WireMetricTiming,
  type WireTimingsMetadata,
} from './payload/timings-metadata';
export {
  buildPayload,
  type BuildPayloadInput,
  type BuiltPayload,
  type PayloadDefinition,
} from './payload/build-payload';
export { parseUsageDataAnswer, type UsageDataAnswer } from './payload/versions-answer';
export {
  GITLAB_SUBMIT_RETRY_DELAYS_MS,
  isRetryableStatus,
  submitRetryDelayMs,
} from './payload/submission-retry';
export { toWireErrorReport, type SubmissionErrorReport } from './payload/submission-error-report';
export { failedMetricResult } from './payload/failed-metric';
export { scheduleCron } from './planning/schedule-cron';
export {
  HLL_PRECISION,
  HLL_REGISTER_COUNT,
  HLL_MAX_RANK,
  emptyRegisters,
  mergeRegisters,
  applyRegisterText,
} from './hll/registers';
export { estimate } from './hll/estimate';
export {
  registerQuery,
  SERVPING_SKETCH_FORMAT_ID,
  type HllMode,
  type HashableType,
} from './hll/register-sql';
export {
  GITLAB_BUCKET_COUNT,
  gitlabBucketOfMd5,
  gitlabBucketsFromMd5,
  mergeBuckets,
  applyGitlabRows,
  gitlabEstimate,
  type GitlabBuckets,
  type GitlabBucketRow,
} from './hll/gitlab-compat';
export { serializeSketch, deserializeSketch } from './hll/sketch-codec';
export { decodeRedisHll } from './hll/redis-hll';
export {
  unionEstimate,
  intersectionEstimate,
  intersectionEstimateAsync,
  nonEmptySubsets,
  MAX_INTERSECTION_SETS,
} from './hll/set-operations';
export { databaseWindow, type DatabaseWindow } from './planning/database-window';
export { planShards, type ShardPlanInput } from './planning/shard-plan';
export { groupPasses, passKey, passRowsQuery, type PassCandidate } from './planning/pass-plan';
export { buildPassStatement, passPartials, type PassMember } from './counting/pass-sql';
export { quoteIdentifier, quoteColumn } from './counting/sql-identifiers';
export { sqlLiteral, type SqlStatement, type SqlValue } from './counting/sql-params';
export {
  batchColumn,
  bindBatch,
  boundsQuery,
  buildBatchStatement,
  renderUnbatchedQuery,
  renderDisplaySql,
  usesDistinctBits,
  withNextKey,
  rowBudgetEndQuery,
  batchesOverPrimaryKey,
  withAverageStrategy,
  withDistinctStrategy,
  type CountedColumnFacts,
  MAX_HISTOGRAM_BUCKETS,
  type BatchStatement,
  type HllHashing,
} from './counting/query-sql';
export {
  countInBatches,
  walkBatches,
  runBatchOutcome,
  GITLAB_BATCH_LIMITS,
  DEFAULT_BATCH_SIZES,
  SERVPING_BATCH_SIZES,
  startingBatchSize,
  DEFAULT_MAX_BATCH_GROWTH,
  type AdaptiveBatching,
  type BatchLimits,
  type BatchPlan,
  type BatchOutcome,
  type RowBudget,
  type BatchLoopOptions,
  type BatchWalk,
  type RunBatchOf,
  type RunBatch,
} from './counting/batch-loop';
export { mergePartials, finalValue, type PartialResult } from './counting/partial-result';
export { partialFromRows, readUnbatchedValue } from './counting/batch-rows';
export type { ResultRow } from './counting/result-row';
export { exactToValue, integerFromSql, type ExactNumber } from './counting/exact-number';
/** `String(raw)` of a value pg returned, except a plain object (json), shown as JSON; never throws. */
export { sqlValueText } from './counting/sql-value-text';
export { hashableType } from './counting/hashable-type';
export { narrowingTimestamp, windowBoundsQuery } from './counting/window-range';
export { nullGroupCountQuery, withNullGroup } from './counting/histogram-null-group';
export { columnTypeQuery, leadingIndexQuery, quantilesQuery } from './counting/catalog-sql';
export { partialToWire, partialFromWire, type PartialWire } from './counting/partial-wire';
export {
  takeToken,
  isFull,
  type TokenBucketState,
  type TokenBucketLimits,
  type TakeResult,
} from './rate-limit/token-bucket';
export {
  MAX_EVENTS_PER_REQUEST,
  isRunOver,
  progressLine,
  type RunState,
  type RequestedBy,
  type MetricProgress,
  type Submission,
  type RunView,
  type TrackEventBody,
} from './api/collector-api';
