import { nonEmptyStringListSchema, objectSchema, type OptionsSchema } from '@servping/shared';

/** `options` of a RedisHLLMetric (optional: the events may be given as `events[].name`). */
export interface RedisHllOptionsYaml {
  events: string[];
}

export const redisHllOptionsSchema: OptionsSchema<RedisHllOptionsYaml> = objectSchema<RedisHllOptionsYaml>(
  { events: nonEmptyStringListSchema },
  ['events'],
);
