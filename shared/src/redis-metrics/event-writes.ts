/**
 * The Redis writes one tracked Internal Event makes (GitLab's InternalEvents#update_redis_values):
 * for each rule of the event whose filter the event's properties match, an INCR of the total
 * (weekly keys expire, all-time ones do not) or a PFADD of the identifier's value into the weekly
 * sketch. A unique rule whose identifier the event lacks is skipped, as GitLab skips it.
 */
import type { UniqueIdentifier } from '../definitions/types';
import { selectionKey } from './event-selection-keys';
import { HLL_KEY_EXPIRY_S } from './hll-key';
import { isoWeek } from './iso-week';
import type { TrackingRule } from './tracking-rules';

/** A property value as the tracking API carries it. */
export type PropertyValue = string | number | boolean;

/** One occurrence of an event, as the tracking API received it. */
export interface TrackedEvent {
  event: string;
  /** The identifiers given (ids as text); absent when not tracked with it. */
  user?: string;
  project?: string;
  namespace?: string;
  properties: Readonly<Record<string, PropertyValue>>;
}

/** One Redis write; `expireS` is set on the key in the same transaction. */
export type RedisWrite =
  | { op: 'incr'; key: string; expireS?: number }
  | { op: 'pfadd'; key: string; value: string; expireS: number };

/** The writes `tracked` makes at `at` under the rules of its event (`trackingRules(…).get(event)`). */
export function eventWrites(rules: readonly TrackingRule[], tracked: TrackedEvent, at: Date): RedisWrite[] {
  const week = isoWeek(at);
  const writes: RedisWrite[] = [];
  for (const { selection, timeFramed } of rules) {
    const matches = Object.entries(selection.filter).every(
      ([name, value]) => tracked.properties[name] === value,
    );
    if (!matches) continue;
    if (!selection.unique) {
      writes.push(
        timeFramed
          ? { op: 'incr', key: selectionKey(selection, week), expireS: HLL_KEY_EXPIRY_S }
          : { op: 'incr', key: selectionKey(selection) },
      );
      continue;
    }
    const value = uniqueValue(tracked, selection.unique);
    if (value !== undefined) {
      writes.push({ op: 'pfadd', key: selectionKey(selection, week), value, expireS: HLL_KEY_EXPIRY_S });
    }
  }
  return writes;
}

function uniqueValue(tracked: TrackedEvent, unique: UniqueIdentifier): string | undefined {
  switch (unique) {
    case 'user.id':
      return tracked.user;
    case 'project.id':
      return tracked.project;
    case 'namespace.id':
      return tracked.namespace;
    default: {
      const value = tracked.properties[unique];
      return value === undefined ? undefined : String(value);
    }
  }
}
