import {
  nonEmptyStringSchema,
  nullableStringSchema,
  objectSchema,
  type OptionsSchema,
} from '@servping/shared';

/** `options` of a RedisMetric. */
export interface RedisOptionsYaml {
  event: string;
  prefix?: string | null;
  include_usage_prefix?: boolean;
  /** GitLab's older option shape: the Ruby counter class that owned the key prefix. */
  counter_class?: string;
}

export const redisOptionsSchema: OptionsSchema<RedisOptionsYaml> = objectSchema<RedisOptionsYaml>(
  {
    event: nonEmptyStringSchema,
    prefix: nullableStringSchema,
    include_usage_prefix: { type: 'boolean' },
    counter_class: nonEmptyStringSchema,
  },
  ['event'],
);
