import { Redis, type RedisOptions } from 'ioredis';

/**
 * `blocking`: for BullMQ workers and anything that must wait out a Redis outage
 * (maxRetriesPerRequest null, as BullMQ requires). `producer`: for HTTP handlers and triggers, which
 * should fail fast when Redis is down instead of queueing commands forever.
 */
export type RedisRole = 'blocking' | 'producer';

/** An ioredis client for `url`. The caller owns it and must `quit()` it on shutdown. */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const roleOptions: RedisOptions =
    role === 'blocking'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 5000 };
  return new Redis(url, { lazyConnect: false, ...roleOptions, ...extra });
}
