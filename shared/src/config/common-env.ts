import { ConfigError } from '../errors';
import { parse, type EnvField } from './env-reader';
import { hasHashTag, redisConnectionPlan } from './redis-connection-plan';

/**
 * The variables more than one service reads, defined once. Services spread the ones they use
 * into their own spec.
 */
const localPg = (db: string) => `postgres://root@127.0.0.1:5432/${db}`;

/**
 * Env fields shared by several services (instance, servping and Versions databases, Redis, queue
 * prefix, log level), each with its variable name, parser, default and README description.
 */
export const commonEnv = {
  instanceDatabaseUrl: {
    variable: 'INSTANCE_DATABASE_URL',
    parse: parse.url(['postgres', 'postgresql']),
    default: localPg('servping_instance'),
    description: 'The product database that metrics count (connect with a read-only role in production).',
  },
  servpingDatabaseUrl: {
    variable: 'SERVPING_DATABASE_URL',
    parse: parse.url(['postgres', 'postgresql']),
    default: localPg('servping'),
    description: "The collector side's own state: settings, runs, stored payloads (raw_usage_data).",
  },
  versionsDatabaseUrl: {
    variable: 'VERSIONS_DATABASE_URL',
    parse: parse.url(['postgres', 'postgresql']),
    default: localPg('servping_versions'),
    description: 'The Versions ingest database the Versions team queries.',
  },
  redisUrl: {
    variable: 'REDIS_URL',
    parse: parse.redisUrl,
    default: 'redis://127.0.0.1:6379',
    description:
      'Redis for BullMQ queues and for event counters / unique-user HLLs: `redis://` or `rediss://` for one server, `redis+cluster://host:port[,host:port…]` (or `rediss+cluster://`) for a Redis Cluster through its seed nodes.',
  },
  queuePrefix: {
    variable: 'SERVPING_QUEUE_PREFIX',
    parse: parse.string,
    default: '{servping}',
    description:
      'BullMQ key prefix; one hash tag so a whole flow stays in one Redis Cluster slot (required with a `redis+cluster://` REDIS_URL).',
  },
  logLevel: {
    variable: 'LOG_LEVEL',
    parse: parse.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    default: 'info',
    description: 'pino log level.',
  },
} satisfies Record<string, EnvField<unknown>>;

/**
 * The check across REDIS_URL and SERVPING_QUEUE_PREFIX: on a Redis Cluster, a prefix without a
 * hash tag would spread one flow over several slots and BullMQ's scripts would fail with
 * CROSSSLOT at the first run. Throws `ConfigError` naming SERVPING_QUEUE_PREFIX.
 */
export function checkQueuePrefixForRedis(config: { redisUrl: string; queuePrefix: string }): void {
  if (redisConnectionPlan(config.redisUrl).mode === 'cluster' && !hasHashTag(config.queuePrefix)) {
    throw new ConfigError([
      {
        variable: 'SERVPING_QUEUE_PREFIX',
        message: `must hold a hash tag such as {servping} on a Redis Cluster, got ${JSON.stringify(config.queuePrefix)}`,
      },
    ]);
  }
}
