/**
 * What the demo seeder tracks as Internal Events, as a pure plan: for every event of the event
 * dictionary, a deterministic number of occurrences in each of the seeded ISO weeks, each with
 * the identifiers the event is tracked with and a value for each of its properties. Property
 * values are the ones the catalog's filters name, plus one no filter names, so filtered metrics
 * count a real share of the traffic.
 */
import {
  isoWeekStart,
  type EventDefinition,
  type MetricDefinition,
  type TrackEventBody,
} from '@servping/shared';
import { MID_WEEK_MS, prng, SEEDED_WEEKS, WEEK_MS } from './redis-event-plan';

/** One tracked occurrence: a `track_event` body and the moment it happened. */
export interface PlannedOccurrence {
  at: Date;
  body: TrackEventBody;
}

export interface InternalEventPlanInput {
  seed: number;
  now: Date;
  /** Rows of the demo tables the identifiers point at (ids 1..n; user 1 is the support bot). */
  users: number;
  projects: number;
  namespaces: number;
  events: readonly EventDefinition[];
  definitions: readonly MetricDefinition[];
}

/** Occurrences of one event in one week: between these two. */
const MIN_PER_WEEK = 20;
const MAX_PER_WEEK = 120;

/** The values the catalog's metrics filter `event`'s `property` on, plus one they never name. */
function propertyValues(
  definitions: readonly MetricDefinition[],
  event: string,
  property: string,
  type: 'string' | 'number' | 'boolean',
): (string | number | boolean)[] {
  if (type === 'boolean') return [true, false];
  const named = new Set<string | number>();
  for (const { spec } of definitions) {
    if (spec.kind !== 'internal_events') continue;
    for (const s of spec.selections) {
      const value = s.event === event ? s.filter[property] : undefined;
      if (value !== undefined && typeof value === type) named.add(value);
    }
  }
  return [...named, type === 'number' ? 0 : 'other'];
}

export function planInternalEvents(input: InternalEventPlanInput): PlannedOccurrence[] {
  const currentWeek = isoWeekStart(input.now).getTime();
  const occurrences: PlannedOccurrence[] = [];
  for (const event of [...input.events]
    .filter((e) => e.status === 'active')
    .sort((a, b) => (a.action < b.action ? -1 : 1))) {
    const values = Object.entries(event.properties).map(
      ([name, type]) => [name, propertyValues(input.definitions, event.action, name, type)] as const,
    );
    for (let back = SEEDED_WEEKS - 1; back >= 0; back--) {
      const weekStart = currentWeek - back * WEEK_MS;
      const random = prng(`${input.seed}:${event.action}:${weekStart}`);
      const count = MIN_PER_WEEK + Math.floor((MAX_PER_WEEK - MIN_PER_WEEK) * random());
      const at = new Date(Math.min(input.now.getTime(), weekStart + MID_WEEK_MS));
      const pick = (n: number) => 1 + Math.floor(n * random() ** 2);
      for (let i = 0; i < count; i++) {
        occurrences.push({
          at,
          body: {
            event: event.action,
            // User ids 2.. are humans, skewed like the database's activity.
            ...(event.identifiers.includes('user') ? { user_id: 1 + pick(input.users - 1) } : {}),
            ...(event.identifiers.includes('project') ? { project_id: pick(input.projects) } : {}),
            ...(event.identifiers.includes('namespace') ? { namespace_id: pick(input.namespaces) } : {}),
            additional_properties: Object.fromEntries(
              values.map(([name, choices]) => [name, choices[Math.floor(random() * choices.length)]]),
            ),
          },
        });
      }
    }
  }
  return occurrences;
}
