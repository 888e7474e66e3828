import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { HLL_KEY_EXPIRY_S, hllKey, windowKeys, type ServpingError } from '@servping/shared';
import { EventTracker } from '../../src/repositories/event-tracking.repository';
import { testRedis } from '@servping/test-servers';

// Every key this file writes starts with its own prefix; `raw` (no prefix) cleans them up.
const prefix = `evt_test_${randomBytes(6).toString('hex')}:`;
const DAY_MS = 86_400_000;
// GitLab's HLLRedisCounter spec clock: Monday 2020-06-01, ISO week 23.
const now = new Date('2020-06-01T10:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);

let redis: Redis;
let raw: Redis;
let tracker: EventTracker;

beforeAll(() => {
  redis = new Redis({ ...testRedis, keyPrefix: prefix });
  raw = new Redis(testRedis);
  tracker = new EventTracker({
    redis,
    knownEvents: new Set(['i_approve', 'g_edit', 'bulk']),
    knownCounters: new Set(['USAGE_SOURCE_CODE_PUSHES']),
  });
});

afterAll(async () => {
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  await Promise.all([redis.quit(), raw.quit()]);
});

const count = (events: string[], window: '7d' | '28d') => redis.pfcount(...windowKeys(events, now, window));

describe('trackUniqueEvent', () => {
  it('writes the ISO-week key of the event time with a six-week TTL', async () => {
    await tracker.trackUniqueEvent('i_approve', ['user-1'], now);
    expect(await raw.exists(`${prefix}{hll_counters}_i_approve-2020-23`)).toBe(1);
    const ttl = await redis.ttl(hllKey('i_approve', now));
    expect(ttl).toBeGreaterThan(HLL_KEY_EXPIRY_S - 10);
    expect(ttl).toBeLessThanOrEqual(HLL_KEY_EXPIRY_S);
  });

  it('counts the previous complete week (7d) and the previous four (28d), never the current one', async () => {
    // GitLab's spec schedule: now (ignored), 2 days ago (W22), 2 weeks ago (W21), 4 weeks ago
    // (W19), 29 days ago (W18, outside 28d).
    await tracker.trackUniqueEvent('g_edit', ['user-1'], now);
    await tracker.trackUniqueEvent('g_edit', ['user-1'], daysAgo(2));
    await tracker.trackUniqueEvent('g_edit', ['user-2'], daysAgo(14));
    await tracker.trackUniqueEvent('g_edit', [1], daysAgo(28));
    await tracker.trackUniqueEvent('g_edit', ['user-3'], daysAgo(29));
    await tracker.trackUniqueEvent('g_edit', ['user-4', 'user-5'], now);
    expect(await count(['g_edit'], '7d')).toBe(1);
    expect(await count(['g_edit'], '28d')).toBe(3);
  });

  it('refreshes the TTL on every add', async () => {
    await tracker.trackUniqueEvent('i_approve', ['user-9'], daysAgo(7));
    const key = hllKey('i_approve', daysAgo(7));
    await redis.expire(key, 60);
    await tracker.trackUniqueEvent('i_approve', ['user-10'], daysAgo(7));
    expect(await redis.ttl(key)).toBeGreaterThan(HLL_KEY_EXPIRY_S - 10);
  });

  it('adds more values than one PFADD batch (300) in one call', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => `bulk-user-${i}`);
    await tracker.trackUniqueEvent('bulk', values, daysAgo(3));
    const estimate = await count(['bulk'], '7d');
    expect(Math.abs(estimate - 1000)).toBeLessThanOrEqual(20);
  });

  it('refuses an unknown event, names it, and writes nothing', async () => {
    const error = await tracker.trackUniqueEvent('no_such_event', ['u'], now).catch((e: unknown) => e);
    expect((error as ServpingError).code).toBe('SERVPING_UNKNOWN_EVENT');
    expect((error as Error).message).toContain("'no_such_event'");
    expect(await raw.exists(`${prefix}${hllKey('no_such_event', now)}`)).toBe(0);
  });
});

describe('incrementCounter', () => {
  it('increments by 1 and by n, returning the total', async () => {
    expect(await tracker.incrementCounter('USAGE_SOURCE_CODE_PUSHES')).toBe(1);
    expect(await tracker.incrementCounter('USAGE_SOURCE_CODE_PUSHES', 41)).toBe(42);
    expect(await redis.get('USAGE_SOURCE_CODE_PUSHES')).toBe('42');
  });

  it('refuses an unknown counter with SERVPING_UNKNOWN_EVENT', async () => {
    await expect(tracker.incrementCounter('USAGE_TYPO')).rejects.toMatchObject({
      code: 'SERVPING_UNKNOWN_EVENT',
      message: expect.stringContaining("'USAGE_TYPO'"),
    });
  });

  it.each([0, -3, 1.5])('refuses the increment %p', async (by) => {
    await expect(tracker.incrementCounter('USAGE_SOURCE_CODE_PUSHES', by)).rejects.toThrow(RangeError);
  });
});
