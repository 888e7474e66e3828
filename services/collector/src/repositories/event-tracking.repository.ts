import type { RedisClient } from '@servping/runtime';
import { groupByHashText, HLL_KEY_EXPIRY_S, hllKey, ServpingError, type RedisWrite } from '@servping/shared';

/** GitLab's `Redis::HLL::BATCH_SIZE`: values per PFADD, so one huge request is not one huge command. */
export const PFADD_BATCH_SIZE = 300;

export interface EventTrackerOptions {
  redis: RedisClient;
  /** Events some available redis_hll or aggregated metric counts (`knownEvents(definitions)`). */
  knownEvents: ReadonlySet<string>;
  /** Full keys of available plain counters (`knownCounterKeys(definitions)`). */
  knownCounters: ReadonlySet<string>;
}

function unknownEvent(what: string): ServpingError {
  return new ServpingError('SERVPING_UNKNOWN_EVENT', what);
}

/**
 * The one writer of usage data in Redis, shared by the HTTP tracking API and the demo seeder.
 * Unknown names are refused rather than written: a key no metric reads would only waste memory,
 * and a typo would otherwise be silently lost (GitLab raises UnknownEvent in development).
 */
export class EventTracker {
  private readonly redis: RedisClient;
  private readonly knownEvents: ReadonlySet<string>;
  private readonly knownCounters: ReadonlySet<string>;

  constructor({ redis, knownEvents, knownCounters }: EventTrackerOptions) {
    this.redis = redis;
    this.knownEvents = knownEvents;
    this.knownCounters = knownCounters;
  }

  /**
   * Adds `values` (user ids, project ids…) to the event's HyperLogLog of the ISO week containing
   * `at`, and resets its expiry to six weeks, in one MULTI so the key never exists without a TTL.
   */
  async trackUniqueEvent(event: string, values: ReadonlyArray<string | number>, at: Date): Promise<void> {
    if (!this.knownEvents.has(event)) {
      throw unknownEvent(`unknown event '${event}': no active or broken redis_hll metric counts it`);
    }
    if (values.length === 0) return;
    const key = hllKey(event, at);
    const multi = this.redis.multi();
    for (let i = 0; i < values.length; i += PFADD_BATCH_SIZE) {
      multi.pfadd(key, ...values.slice(i, i + PFADD_BATCH_SIZE).map(String));
    }
    multi.expire(key, HLL_KEY_EXPIRY_S);
    await execOrThrow(multi, `tracking event '${event}'`);
  }

  /** INCRBY on a plain counter; resolves to the new total. */
  async incrementCounter(key: string, by = 1): Promise<number> {
    if (!this.knownCounters.has(key)) {
      throw unknownEvent(`unknown counter '${key}': no active or broken redis metric reads it`);
    }
    if (!Number.isSafeInteger(by) || by < 1) {
      throw new RangeError(`counter increment must be a positive integer, got ${String(by)}`);
    }
    return this.redis.incrby(key, by);
  }

  /**
   * Applies the writes of tracked Internal Events (`eventWrites`), each key with its expiry, in one
   * MULTI; on a Redis Cluster one MULTI per hash tag, as a transaction cannot cross slots.
   */
  async applyWrites(writes: readonly RedisWrite[]): Promise<void> {
    const groups = this.redis.isCluster ? [...groupByHashText(writes, (w) => w.key).values()] : [writes];
    for (const group of groups) {
      if (group.length === 0) continue;
      const multi = this.redis.multi();
      for (const write of group) {
        if (write.op === 'incr') multi.incr(write.key);
        else multi.pfadd(write.key, write.value);
        if (write.expireS !== undefined) multi.expire(write.key, write.expireS);
      }
      await execOrThrow(multi, 'tracking Internal Events');
    }
  }
}

async function execOrThrow(multi: ReturnType<RedisClient['multi']>, what: string): Promise<void> {
  const replies = await multi.exec();
  if (replies === null) throw new Error(`${what}: Redis discarded the transaction`);
  const failed = replies.find(([err]) => err !== null);
  if (failed?.[0]) throw failed[0];
}
