export { buildCollector, SCHEDULER_ID, type Collector, type CollectorOptions } from './app';
export {
  loadConfig,
  collectorEnv,
  parseApiTokens,
  TOKEN_SCOPES,
  type CollectorConfig,
  type TokenScope,
} from './config';
export { buildRunFlow, aggregateJobId, metricJobId, shardJobId, type RunPlan } from './planning/run-flow';
export { migrateServpingDatabase } from './database/servping-database';
export { EventTracker } from './repositories/event-tracking.repository';
export {
  planTracking,
  trackingDictionary,
  type TrackingDictionary,
  type TrackingPlan,
} from './tracking/tracking-plan';
