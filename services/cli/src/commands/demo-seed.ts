import { definitionKinds } from '@servping/compute';
/**
 * `servping demo seed`: creates, migrates and fills the demo instance database (a GitLab-shaped
 * product database) deterministically from a seed, then writes the Redis events the catalog's
 * Redis metrics read. Schema, proportions, determinism and seeding speed: docs/demo-instance.md.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  commonEnv,
  knownCounterKeys,
  knownEvents,
  loadDictionaryOrThrow,
  loadEventsOrThrow,
  readEnv,
  type EventDefinition,
  type MetricDefinition,
} from '@servping/shared';
import { createRedis, readDictionaryFiles } from '@servping/runtime';
import { createEventTracker, trackingDictionary } from '@servping/collector';
import { parseFlags, UsageError, type Command } from '../command';
import {
  applyReaderRole,
  ensureDatabase,
  INSTANCE_DB_DIR,
  migrateInstanceDatabase,
} from '../demo/instance-schema.repository';
import { seedInstanceDatabase, splitSqlStatements } from '../demo/instance-seed.repository';
import { planRowCounts } from '../demo/row-plan';
import { planInternalEvents } from '../demo/internal-event-plan';
import { writeInternalEvents } from '../demo/internal-events.repository';
import { planRedisEvents } from '../demo/redis-event-plan';
import { writeRedisEvents } from '../demo/redis-events.repository';
import { progressPrinter } from '../demo/seed-progress';

/** The catalog shipped with servping: the events and counters the seeder writes. */
export const DEFAULT_DEFINITIONS_DIR = path.resolve(__dirname, '../../../../shared/metrics');

/** The migration holding every secondary index; the seeder rebuilds exactly these after a load. */
const INDEX_MIGRATION = '003_indexes.sql';

const FLAGS = {
  rows: { type: 'number' },
  seed: { type: 'number' },
  now: { type: 'string' },
  connections: { type: 'number' },
  definitions: { type: 'string' },
  'redis-key-prefix': { type: 'string' },
  'skip-redis': { type: 'boolean' },
} as const;

const USAGE = `usage: servping demo seed --rows <N> [--seed <int>] [--now <ISO time>] [--connections <n>]
                         [--definitions <dir>] [--redis-key-prefix <p>] [--skip-redis]

Creates (if missing) and migrates the database at INSTANCE_DATABASE_URL, truncates it and fills
it with about N rows spread over GitLab's hot tables. The same --seed and --now give identical
data. Timestamps span the ~3 years before --now (default: the current time). The tables are
UNLOGGED (fast to load; a server crash empties them: seed again, docs/demo-instance.md).
Then writes, at REDIS_URL, unique users per ISO week (current week and the 7 before) for every
event the dictionary's redis_hll metrics read, a total for every plain counter it reads, and
20 to 120 occurrences per week of every event of its event dictionary (events/*.yml), tracked
through the tracking API's code into the counters and sketches its Internal Events metrics read.

  --rows <N>          total rows over all tables (required)
  --seed <int>        data seed (default 1)
  --now <ISO time>    the instant timestamps are relative to (default: now)
  --connections <n>   parallel loading connections (default 2)
  --definitions <dir> dictionary naming the Redis events and counters (default: shared/metrics)
  --redis-key-prefix  prefix every Redis key (isolates a test's data)
  --skip-redis        fill the database only
`;

function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const now = new Date(text);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now expects an ISO time, got "${text}"`);
  return now;
}

export const demoSeedCommand: Command = {
  name: 'demo seed',
  summary: 'Create and fill the demo instance database deterministically',
  usage: USAGE,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    if (flags.rows === undefined || !Number.isInteger(flags.rows) || flags.rows < 1) {
      throw new UsageError('--rows must be a positive integer');
    }
    const seed = flags.seed ?? 1;
    if (!Number.isSafeInteger(seed)) throw new UsageError('--seed must be an integer');
    const connections = flags.connections ?? 2;
    if (!Number.isInteger(connections) || connections < 1) throw new UsageError('--connections must be ≥ 1');
    const now = parseNow(flags.now);
    const env = readEnv(io.env, {
      instanceDatabaseUrl: commonEnv.instanceDatabaseUrl,
      redisUrl: commonEnv.redisUrl,
    });
    const url = env.instanceDatabaseUrl;
    // Load the dictionary first: a broken one must not leave a half-seeded instance behind.
    const files = flags['skip-redis']
      ? []
      : await readDictionaryFiles(flags.definitions ?? DEFAULT_DEFINITIONS_DIR);
    const definitions = loadDictionaryOrThrow(files, definitionKinds);
    const events = loadEventsOrThrow(files);

    if (await ensureDatabase(url)) io.stdout.write('created the instance database\n');
    const applied = await migrateInstanceDatabase(url);
    if (applied.length > 0) io.stdout.write(`applied migrations: ${applied.join(', ')}\n`);
    if (!(await applyReaderRole(url))) {
      io.stdout.write('skipped role servping_reader: this user may not create roles\n');
    }
    const indexSql = await readFile(path.join(INSTANCE_DB_DIR, 'migrations', INDEX_MIGRATION), 'utf8');

    const printer = progressPrinter(io.stdout, () => Date.now());
    const plan = planRowCounts(flags.rows);
    const report = await seedInstanceDatabase({
      url,
      plan,
      seed,
      now,
      connections,
      indexStatements: splitSqlStatements(indexSql),
      onProgress: printer.update,
    });
    printer.finish();
    const seconds = report.timingsMs.total / 1000;
    const s = (ms: number) => (ms / 1000).toFixed(1);
    io.stdout.write(
      `seeded ${report.rows} rows in ${seconds.toFixed(1)} s (${Math.round(report.rows / seconds)} rows/s; ` +
        `load ${s(report.timingsMs.load)} s, ${report.indexes} indexes and ANALYZE done ` +
        `${s(report.timingsMs.afterLoad)} s after it; connection time: load ${s(report.busyMs.load)} s, ` +
        `index ${s(report.busyMs.index)} s, analyze ${s(report.busyMs.analyze)} s)\n`,
    );
    if (!flags['skip-redis']) {
      const written = await seedRedis(env.redisUrl, flags['redis-key-prefix'] ?? '', definitions, events, {
        seed,
        now,
        users: plan.users,
        projects: plan.projects,
        namespaces: plan.namespaces,
      });
      io.stdout.write(
        `wrote ${written.keys} Redis keys (${written.values} unique-user values, ${written.occurrences} Internal Events)\n`,
      );
    }
    return 0;
  },
};

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
    const tracker = createEventTracker({ redis, knownEvents: legacyEvents, knownCounters: counterKeys });
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
