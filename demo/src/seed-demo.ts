/**
 * Seeding the demo instance: creates, migrates and fills the instance database (a GitLab-shaped
 * product database) deterministically from a seed, then writes the Redis events the catalog's
 * Redis metrics read. Schema, proportions, determinism and seeding speed: docs/demo-instance.md.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { definitionKinds } from '@servping/compute';
import {
  knownCounterKeys,
  knownEvents,
  loadDictionaryOrThrow,
  loadEventsOrThrow,
  type EventDefinition,
  type MetricDefinition,
} from '@servping/shared';
import { createRedis, readDictionaryFiles } from '@servping/runtime';
import { EventTracker, trackingDictionary } from '@servping/collector';
import {
  applyReaderRole,
  ensureDatabase,
  INSTANCE_DB_DIR,
  migrateInstanceDatabase,
} from './instance-schema.repository';
import { seedInstanceDatabase, splitSqlStatements } from './instance-seed.repository';
import { planRowCounts } from './row-plan';
import { planInternalEvents } from './internal-event-plan';
import { writeInternalEvents } from './internal-events.repository';
import { planRedisEvents } from './redis-event-plan';
import { writeRedisEvents } from './redis-events.repository';
import { progressPrinter } from './seed-progress';

/** The catalog shipped with servping: the events and counters the seeder writes. */
export const CATALOG_DIR = path.resolve(__dirname, '../../shared/metrics');

/** The migration holding every secondary index; the seeder rebuilds exactly these after a load. */
const INDEX_MIGRATION = '003_indexes.sql';

export interface DemoSeedOptions {
  instanceDatabaseUrl: string;
  redisUrl: string;
  /** Total rows over all tables. */
  rows: number;
  seed: number;
  /** The instant timestamps are relative to. */
  now: Date;
  /** Parallel loading connections. */
  connections: number;
  /** The dictionary naming the Redis events and counters (default: the shipped catalog). */
  definitionsDir?: string;
  /** Prefixes every Redis key (isolates a test's data). */
  redisKeyPrefix?: string;
  /** Fills the database only. */
  skipRedis?: boolean;
}

/** Seeds the demo instance, reporting progress and results as lines on `out`. */
export async function seedDemo(options: DemoSeedOptions, out: NodeJS.WritableStream): Promise<void> {
  const url = options.instanceDatabaseUrl;
  // Load the dictionary first: a broken one must not leave a half-seeded instance behind.
  const files = options.skipRedis ? [] : await readDictionaryFiles(options.definitionsDir ?? CATALOG_DIR);
  const definitions = loadDictionaryOrThrow(files, definitionKinds);
  const events = loadEventsOrThrow(files);

  if (await ensureDatabase(url)) out.write('created the instance database\n');
  const applied = await migrateInstanceDatabase(url);
  if (applied.length > 0) out.write(`applied migrations: ${applied.join(', ')}\n`);
  if (!(await applyReaderRole(url))) {
    out.write('skipped role servping_reader: this user may not create roles\n');
  }
  const indexSql = await readFile(path.join(INSTANCE_DB_DIR, 'migrations', INDEX_MIGRATION), 'utf8');

  const printer = progressPrinter(out, () => Date.now());
  const plan = planRowCounts(options.rows);
  const report = await seedInstanceDatabase({
    url,
    plan,
    seed: options.seed,
    now: options.now,
    connections: options.connections,
    indexStatements: splitSqlStatements(indexSql),
    onProgress: printer.update,
  });
  printer.finish();
  const seconds = report.timingsMs.total / 1000;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  out.write(
    `seeded ${report.rows} rows in ${seconds.toFixed(1)} s (${Math.round(report.rows / seconds)} rows/s; ` +
      `load ${s(report.timingsMs.load)} s, ${report.indexes} indexes and ANALYZE done ` +
      `${s(report.timingsMs.afterLoad)} s after it; connection time: load ${s(report.busyMs.load)} s, ` +
      `index ${s(report.busyMs.index)} s, analyze ${s(report.busyMs.analyze)} s)\n`,
  );
  if (options.skipRedis) return;
  const written = await seedRedis(options.redisUrl, options.redisKeyPrefix ?? '', definitions, events, {
    seed: options.seed,
    now: options.now,
    users: plan.users,
    projects: plan.projects,
    namespaces: plan.namespaces,
  });
  out.write(
    `wrote ${written.keys} Redis keys (${written.values} unique-user values, ${written.occurrences} Internal Events)\n`,
  );
}

async function seedRedis(
  redisUrl: string,
  keyPrefix: string,
  definitions: readonly MetricDefinition[],
  events: readonly EventDefinition[],
  instance: { seed: number; now: Date; users: number; projects: number; namespaces: number },
): Promise<{ keys: number; values: number; occurrences: number }> {
  const redis = createRedis(redisUrl, 'producer', { keyPrefix });
  try {
    const legacyEvents = knownEvents(definitions);
    const counterKeys = knownCounterKeys(definitions);
    const tracker = new EventTracker({ redis, knownEvents: legacyEvents, knownCounters: counterKeys });
    const legacy = await writeRedisEvents(
      redis,
      tracker,
      planRedisEvents({ ...instance, events: legacyEvents, counterKeys }),
    );
    const occurrences = planInternalEvents({ ...instance, events, definitions });
    const internal = await writeInternalEvents(
      redis,
      tracker,
      trackingDictionary(definitions, events, legacyEvents),
      occurrences,
    );
    return { keys: legacy.keys + internal.keys, values: legacy.values, occurrences: occurrences.length };
  } finally {
    await redis.quit();
  }
}
