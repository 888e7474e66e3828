import type { KindModule } from '../kind-module';
import { computeRedisCounter } from './counter';
import { redisCounterDefinition } from './resolve';

/** GitLab's RedisMetric: a plain counter. */
export const redisCounterKind: KindModule<'redis_counter'> = {
  kind: 'redis_counter',
  counter: computeRedisCounter,
  definition: redisCounterDefinition,
};
