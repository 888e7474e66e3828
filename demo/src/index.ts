// The public surface of @servping/demo: the demo instance's schema, seeder and ground truth.
export { CATALOG_DIR, seedDemo, type DemoSeedOptions } from './seed-demo';
export { computeGroundTruth, databaseMetrics } from './ground-truth.repository';
export {
  databaseNameOf,
  dropDatabase,
  ensureDatabase,
  instanceSchemaDigest,
} from './instance-schema.repository';
export { planInternalEvents } from './internal-event-plan';
export { planRedisEvents } from './redis-event-plan';
export { writeRedisEvents } from './redis-events.repository';
export { DEMO_TABLES, planRowCounts, plannedTotal } from './row-plan';
