import {
  nonEmptyStringListSchema,
  nonEmptyStringSchema,
  objectSchema,
  type OptionsSchema,
} from '@servping/shared';

/**
 * `options` of an AggregatedMetric. GitLab's current AggregatedMetric reads only
 * `aggregate.attribute` and always counts a union (aggregated_metric.rb), so `operator` is
 * optional and means OR when absent; older files still say OR or AND.
 */
export interface AggregatedOptionsYaml {
  aggregate: { operator?: 'OR' | 'AND'; attribute?: string };
  events: string[];
}

export const aggregatedOptionsSchema: OptionsSchema<AggregatedOptionsYaml> =
  objectSchema<AggregatedOptionsYaml>(
    {
      aggregate: objectSchema<AggregatedOptionsYaml['aggregate']>(
        { operator: { enum: ['OR', 'AND'] }, attribute: nonEmptyStringSchema },
        [],
      ),
      events: nonEmptyStringListSchema,
    },
    ['aggregate', 'events'],
  );
