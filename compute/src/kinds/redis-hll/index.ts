import type { KindModule } from '../kind-module';
import { computeRedisHll } from './counter';
import { redisHllDefinition } from './resolve';

/** GitLab's RedisHLLMetric: unique values over ISO weeks. */
export const redisHllKind: KindModule<'redis_hll'> = {
  kind: 'redis_hll',
  counter: computeRedisHll,
  definition: redisHllDefinition,
};
