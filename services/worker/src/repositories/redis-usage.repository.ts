import type { Redis } from 'ioredis';

/**
 * Reads the usage data the collector's tracking API writes: plain counters and unique-user
 * HyperLogLogs. Read-only on purpose; the writer lives in the collector.
 */
export interface RedisUsageReader {
  /** GET → integer; a missing key counts 0 (nothing was ever tracked). */
  counterValue(key: string): Promise<number>;
  /** One PFCOUNT over all `keys`: Redis returns the cardinality of their union. */
  uniqueCount(keys: readonly string[]): Promise<number>;
}

export function createRedisUsageReader(redis: Redis): RedisUsageReader {
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
