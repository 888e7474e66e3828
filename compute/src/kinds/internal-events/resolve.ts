import {
  specInvalid,
  specOk,
  specUnsupported,
  type DefinitionKind,
  type DefinitionYaml,
  type SpecResult,
  type TimeFrame,
  type UniqueIdentifier,
} from '@servping/shared';
import { internalEventsRule } from './options';

/**
 * An Internal Events metric: a total (GitLab's TotalCountMetric) when no event counts uniquely,
 * a unique count (UniqueCountMetric) when every event counts the same identifier. GitLab picks
 * the class from the events the same way (metric_definition.rb, `instrumentation_class`).
 */
export const internalEventsDefinition: DefinitionKind = {
  classes: [],
  schemaRules: [internalEventsRule],
  claimsClassless: (doc) => doc.data_source === 'internal_events',
  resolve: ({ doc, timeFrame }) => internalEvents(doc, timeFrame),
};

function internalEvents(doc: DefinitionYaml, timeFrame: TimeFrame): SpecResult {
  const events = doc.events ?? [];
  if (events.some((e) => e.operator !== undefined)) {
    return specUnsupported(
      'operator sum(value) sums a property of the events (GitLab RedisSum, {event_sums} keys), which servping does not implement',
    );
  }
  if (timeFrame === 'none') {
    return specInvalid([
      { field: '/time_frame', message: 'an internal_events metric counts over 7d, 28d or all; got none' },
    ]);
  }
  const uniques = new Set(events.map((e) => e.unique));
  if (uniques.size > 1) {
    return specInvalid([
      {
        field: '/events',
        message: `all events must count the same unique attribute, or none; got ${[...uniques].map((u) => u ?? 'none').join(', ')}`,
      },
    ]);
  }
  const unique = events[0]?.unique as UniqueIdentifier | undefined;
  return specOk({
    kind: 'internal_events',
    operation: unique ? 'unique' : 'total',
    selections: events.map((e) => ({
      event: e.name,
      filter: { ...e.filter },
      ...(unique ? { unique } : {}),
    })),
  });
}
