import type { KindModule } from '../kind-module';
import { computeRedisCounter } from './counter';

/** GitLab's RedisMetric: a plain counter. */
export const redisCounterKind: KindModule<'redis_counter'> = {
  kind: 'redis_counter',
  counter: computeRedisCounter,
};
