/**
 * The usage data the collector's tracking API writes to Redis, as the Redis counters read it:
 * plain counters and unique-value HyperLogLogs. Read-only on purpose; the writer lives in the
 * collector. Implemented by `createRedisUsageReader`.
 */
export interface RedisUsagePort {
  /** GET → integer; a missing key counts 0 (nothing was ever tracked). */
  counterValue(key: string): Promise<number>;
  /** One PFCOUNT over all `keys`: Redis returns the cardinality of their union. */
  uniqueCount(keys: readonly string[]): Promise<number>;
}
