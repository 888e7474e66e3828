import type { Redis } from 'ioredis';
import type { RedisUsagePort } from '../ports/redis-usage.port';

/** The Redis usage port over one ioredis connection (GET and PFCOUNT only). */
export function createRedisUsageReader(redis: Redis): RedisUsagePort {
  return {
    async counterValue(key) {
      const text = await redis.get(key);
      if (text === null) return 0;
      const value = Number.parseInt(text, 10);
      if (!Number.isSafeInteger(value)) throw new Error(`Redis key ${key} does not hold an integer counter`);
      return value;
    },
    async uniqueCount(keys) {
      if (keys.length === 0) throw new Error('PFCOUNT needs at least one key');
      return redis.pfcount(...keys);
    },
  };
}
