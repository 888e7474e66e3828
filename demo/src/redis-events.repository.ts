/**
 * Writes a Redis event plan through the same tracker the event API uses, so the demo data has
 * exactly the keys, TTLs and encodings real tracking produces. Keys the plan touches are deleted
 * first: reseeding replaces the demo's Redis data instead of adding to it.
 */
import type { RedisClient } from '@servping/runtime';
import { hllKey } from '@servping/shared';
import type { EventTracker } from '@servping/collector';
import type { CounterIncrement, UniqueEventBatch } from './redis-event-plan';
import { deleteDemoKeys } from './demo-keys.repository';

export async function writeRedisEvents(
  redis: RedisClient,
  tracker: EventTracker,
  plan: { uniques: readonly UniqueEventBatch[]; counters: readonly CounterIncrement[] },
): Promise<{ keys: number; values: number }> {
  const keys = [
    ...new Set([...plan.uniques.map((u) => hllKey(u.event, u.at)), ...plan.counters.map((c) => c.key)]),
  ];
  await deleteDemoKeys(redis, keys);
  let values = 0;
  for (const batch of plan.uniques) {
    await tracker.trackUniqueEvent(batch.event, batch.userIds, batch.at);
    values += batch.userIds.length;
  }
  for (const counter of plan.counters) await tracker.incrementCounter(counter.key, counter.by);
  return { keys: keys.length, values };
}
