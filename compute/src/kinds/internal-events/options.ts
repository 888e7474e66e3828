import type { DefinitionKind } from '@servping/shared';

/**
 * What the definition schema requires of an Internal Events metric (GitLab's
 * config/metrics/schema/internal_events.json): it is defined by `events`, not by a class or
 * options, except an AggregatedMetric uniting Internal Events. The shape of each event (`name`,
 * `unique`, `filter`) is the base schema's.
 */
export const internalEventsRule: DefinitionKind['schemaRules'][number] = {
  if: {
    properties: {
      data_source: { const: 'internal_events' },
      instrumentation_class: { not: { const: 'AggregatedMetric' } },
    },
    required: ['data_source'],
  },
  then: {
    errorHint: 'internal_events metrics are defined by their events, not by a class',
    required: ['events'],
    properties: { instrumentation_class: false, options: false },
  },
};
