/**
 * Deletes the demo's Redis keys before a reseed writes them again, so reseeding replaces the
 * demo's data instead of adding to it.
 */
import type { RedisClient } from '@servping/runtime';
import { groupByHashText } from '@servping/shared';

/** One DEL per hash text: on a Redis Cluster a DEL of several keys must stay in one slot. */
export async function deleteDemoKeys(redis: RedisClient, keys: readonly string[]): Promise<void> {
  for (const group of groupByHashText(keys, (key) => key).values()) await redis.del(...group);
}
