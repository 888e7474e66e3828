/**
 * The usage data the collector's tracking API writes to Redis, as the Redis counters read it:
 * plain counters and unique-value HyperLogLogs. Read-only on purpose; the writer lives in the
 * collector. Implemented by `createRedisUsageReader`.
 */
export interface RedisUsagePort {
  /** GET → integer; a missing key counts 0 (nothing was ever tracked). */
  counterValue(key: string): Promise<number>;
  /**
   * The sum of many counters, a missing key counting 0: one MGET, or on a Redis Cluster one MGET
   * per group of keys sharing a slot (MGET cannot cross slots).
   */
  counterSum(keys: readonly string[]): Promise<number>;
  /**
   * The cardinality of the union of `keys`' HyperLogLogs: one PFCOUNT, as on one server. On a
   * Redis Cluster, keys outside the largest group sharing a slot are first copied (DUMP/RESTORE,
   * registers unchanged) under a hash tag of that slot, so the count stays the exact union rather
   * than a sum of per-slot counts.
   */
  uniqueCount(keys: readonly string[]): Promise<number>;
}
