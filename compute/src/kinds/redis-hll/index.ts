import type { KindModule } from '../kind-module';
import { computeRedisHll } from './counter';

/** GitLab's RedisHLLMetric: unique values over ISO weeks. */
export const redisHllKind: KindModule<'redis_hll'> = { kind: 'redis_hll', counter: computeRedisHll };
