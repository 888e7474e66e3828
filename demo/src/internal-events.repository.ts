/**
 * Writes an Internal Events plan through the tracking API's own code: each occurrence is checked
 * and turned into writes by the collector's `planTracking`, as a `track_events` request is, and
 * applied by its tracker. (Over HTTP every event would land in the current week, which no 7d or
 * 28d metric reads; `servping demo run` also tracks current-week traffic over HTTP.) The keys the
 * plan writes are deleted first: reseeding replaces the demo's events instead of adding to them.
 */
import type { RedisClient } from '@servping/runtime';
import { planTracking, type EventTracker, type TrackingDictionary } from '@servping/collector';
import type { PlannedOccurrence } from './internal-event-plan';
import { deleteDemoKeys } from './demo-keys.repository';

/** The token identity demo occurrences without a user would be counted as (none: they all name one). */
const DEMO_TOKEN_USER = 'token:demo';

export async function writeInternalEvents(
  redis: RedisClient,
  tracker: EventTracker,
  dictionary: TrackingDictionary,
  occurrences: readonly PlannedOccurrence[],
): Promise<{ keys: number }> {
  const byMoment = new Map<number, PlannedOccurrence[]>();
  for (const o of occurrences) byMoment.set(o.at.getTime(), [...(byMoment.get(o.at.getTime()) ?? []), o]);
  const writes = [...byMoment].flatMap(
    ([at, group]) =>
      planTracking(
        group.map((o) => o.body),
        dictionary,
        new Date(at),
        DEMO_TOKEN_USER,
      ).writes,
  );
  const keys = [...new Set(writes.map((w) => w.key))];
  await deleteDemoKeys(redis, keys);
  await tracker.applyWrites(writes);
  return { keys: keys.length };
}
