/**
 * Which counters and sketches tracking an Internal Event must update: GitLab's
 * EventDefinition#event_selection_rules, the selections of every metric over the event. Only
 * what some metric reads is written, so a metric is one read at collection time.
 */
import type { EventSelection, MetricDefinition } from '../definitions/types';
import { isAvailable } from './known-events';

/**
 * One selection to update on every matching occurrence, weekly (`timeFramed`: what 7d/28d
 * metrics and every unique count read) or all-time (what `all` totals read).
 */
export interface TrackingRule {
  selection: EventSelection;
  timeFramed: boolean;
}

type DefinitionLike = Pick<MetricDefinition, 'status' | 'spec' | 'timeFrame'>;

/** The rules of every event, by event name, each once, from the available definitions. */
export function trackingRules(definitions: readonly DefinitionLike[]): ReadonlyMap<string, TrackingRule[]> {
  const rules = new Map<string, Map<string, TrackingRule>>();
  const add = (selection: EventSelection, timeFramed: boolean) => {
    const id = JSON.stringify([
      selection.event,
      Object.entries(selection.filter).sort(),
      selection.unique,
      timeFramed,
    ]);
    const ofEvent = rules.get(selection.event) ?? new Map<string, TrackingRule>();
    ofEvent.set(id, { selection, timeFramed });
    rules.set(selection.event, ofEvent);
  };
  for (const definition of definitions) {
    if (!isAvailable(definition)) continue;
    const { spec } = definition;
    if (spec.kind === 'internal_events') {
      for (const selection of spec.selections) add(selection, definition.timeFrame !== 'all');
    } else if (spec.kind === 'aggregated' && spec.source === 'internal_events') {
      for (const event of spec.events) add({ event, filter: {}, unique: spec.unique }, true);
    }
  }
  return new Map([...rules].map(([event, byId]) => [event, [...byId.values()]]));
}
