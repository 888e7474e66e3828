import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@servping/runtime';
import { groupByHashText, pfcountSlotPlan, ServpingError } from '@servping/shared';
import type { RedisUsagePort } from '../ports/redis-usage.port';

/** Lifetime of a PFCOUNT's temporary copies, should the reader die before it deletes them. */
const COPY_TTL_MS = 60_000;

/** The Redis usage port over one ioredis connection or cluster (GET, MGET and PFCOUNT, and on a cluster the copies a union needs). */
export function createRedisUsageReader(redis: RedisClient): RedisUsagePort {
  return {
    async counterValue(key) {
      return counterOf(key, await redis.get(key));
    },
    async counterSum(keys) {
      const groups = redis.isCluster ? [...groupByHashText(keys, (key) => key).values()] : [keys];
      let sum = 0;
      for (const group of groups) {
        if (group.length === 0) continue;
        const texts = await redis.mget(...group);
        group.forEach((key, i) => (sum += counterOf(key, texts[i] ?? null)));
      }
      return sum;
    },
    async uniqueCount(keys) {
      if (keys.length === 0) throw new Error('PFCOUNT needs at least one key');
      if (!redis.isCluster) return redis.pfcount(...keys);
      const plan = pfcountSlotPlan(keys);
      if (!plan) {
        throw new ServpingError(
          'SERVPING_REDIS_SLOTS',
          `no slot to count the union of ${keys.join(', ')} in`,
        );
      }
      if (plan.others.length === 0) return redis.pfcount(...keys);
      return countWithCopies(redis, plan);
    },
  };
}

/** A counter's text as an integer; a missing key counts 0 (nothing was ever tracked). */
function counterOf(key: string, text: string | null): number {
  if (text === null) return 0;
  const value = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(value)) throw new Error(`Redis key ${key} does not hold an integer counter`);
  return value;
}

async function countWithCopies(
  redis: RedisClient,
  plan: { anchor: string[]; others: string[]; tag: string },
): Promise<number> {
  const copies: string[] = [];
  const run = randomUUID();
  try {
    for (const [i, key] of plan.others.entries()) {
      const dumped = await redis.dumpBuffer(key);
      // A missing key is an empty HyperLogLog: nothing to add to the union.
      if (dumped === null) continue;
      const copy = `${plan.tag}:servping-pfcount:${run}:${i}`;
      copies.push(copy);
      await redis.restore(copy, COPY_TTL_MS, dumped);
    }
    return await redis.pfcount(...plan.anchor, ...copies);
  } finally {
    if (copies.length > 0) await redis.del(...copies);
  }
}
