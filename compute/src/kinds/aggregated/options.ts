import {
  nonEmptyStringListSchema,
  nonEmptyStringSchema,
  objectSchema,
  type OptionsSchema,
} from '@servping/shared';

/** `options` of an AggregatedMetric. */
export interface AggregatedOptionsYaml {
  aggregate: { operator: 'OR' | 'AND'; attribute?: string };
  events: string[];
}

export const aggregatedOptionsSchema: OptionsSchema<AggregatedOptionsYaml> =
  objectSchema<AggregatedOptionsYaml>(
    {
      aggregate: objectSchema<AggregatedOptionsYaml['aggregate']>(
        { operator: { enum: ['OR', 'AND'] }, attribute: nonEmptyStringSchema },
        ['operator'],
      ),
      events: nonEmptyStringListSchema,
    },
    ['aggregate', 'events'],
  );
