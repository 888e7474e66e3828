import {
  classOptionsRule,
  counterKey,
  specInvalid,
  specOk,
  specUnsupported,
  withOptions,
  type DefinitionKind,
} from '@servping/shared';
import { redisOptionsSchema } from './options';

const REDIS_CLASS = 'RedisMetric';

/** RedisMetric: the full key name of the counter, from the event and its prefix. */
export const redisCounterDefinition: DefinitionKind = {
  classes: [REDIS_CLASS],
  schemaRules: [classOptionsRule(REDIS_CLASS, redisOptionsSchema, { dataSource: { const: 'redis' } })],
  resolve: ({ doc }) =>
    withOptions(redisOptionsSchema, doc, (options) => {
      if (!('prefix' in options)) {
        if (options.counter_class) {
          return specUnsupported(
            `legacy option counter_class ${options.counter_class}: the key prefix lives in that Ruby class; add options.prefix to count it`,
          );
        }
        return specInvalid([
          {
            field: '/options/prefix',
            message: 'is required (the key prefix, or null for none) (instrumentation_class RedisMetric)',
          },
        ]);
      }
      const key = counterKey({
        event: options.event,
        prefix: options.prefix ?? null,
        includeUsagePrefix: options.include_usage_prefix ?? true,
      });
      return specOk({ kind: 'redis_counter', key });
    }),
};
