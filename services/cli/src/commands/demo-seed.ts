/**
 * `servping demo seed`: creates, migrates and fills the demo instance database and its Redis
 * events (`seedDemo`, @servping/demo). Schema, proportions, determinism and seeding speed:
 * docs/demo-instance.md.
 */
import { commonEnv, readEnv } from '@servping/shared';
import { seedDemo } from '@servping/demo';
import { parseFlags, UsageError, type Command } from '../command';

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
    await seedDemo(
      {
        instanceDatabaseUrl: env.instanceDatabaseUrl,
        redisUrl: env.redisUrl,
        rows: flags.rows,
        seed,
        now,
        connections,
        ...(flags.definitions === undefined ? {} : { definitionsDir: flags.definitions }),
        ...(flags['redis-key-prefix'] === undefined ? {} : { redisKeyPrefix: flags['redis-key-prefix'] }),
        skipRedis: flags['skip-redis'] === true,
      },
      io.stdout,
    );
    return 0;
  },
};
