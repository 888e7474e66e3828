import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { decodeRedisHll, estimate, intersectionEstimateAsync, mergeRegisters } from '@servping/shared';
import { testRedis } from '@servping/test-servers';

const prefix = `hll_test_${randomBytes(6).toString('hex')}:`;
let redis: Redis;

async function fill(key: string, from: number, count: number): Promise<void> {
  // PFADD in slices, like GitLab's 300-value MULTI batches, so no single command is huge.
  for (let start = from; start < from + count; start += 10_000) {
    const end = Math.min(start + 10_000, from + count);
    await redis.pfadd(key, ...Array.from({ length: end - start }, (_, i) => `user-${start + i}`));
  }
}

async function registersOf(key: string): Promise<{ registers: Uint8Array; encoding: number }> {
  const bytes = await redis.getBuffer(key);
  if (!bytes) throw new Error(`${key} is missing`);
  return { registers: decodeRedisHll(bytes), encoding: bytes[4]! };
}

beforeAll(() => {
  redis = new Redis({ ...testRedis, lazyConnect: false });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('Redis HLL strings decoded in TypeScript', () => {
  it.each([
    [10, 1],
    [1000, 1],
    [200_000, 0],
  ])(
    '%d elements: estimate(decode(GET)) equals PFCOUNT (Redis encoding %d)',
    async (count, expectedEncoding) => {
      const key = `${prefix}single-${count}`;
      await fill(key, 0, count);
      const { registers, encoding } = await registersOf(key);
      expect(encoding).toBe(expectedEncoding);
      expect(estimate(registers)).toBe(await redis.pfcount(key));
    },
  );

  it('a multi-key PFCOUNT equals the estimate of the merged decoded sketches', async () => {
    const [a, b] = [`${prefix}union-a`, `${prefix}union-b`];
    await fill(a, 0, 60_000);
    await fill(b, 40_000, 60_000);
    const merged = mergeRegisters((await registersOf(a)).registers, (await registersOf(b)).registers);
    expect(estimate(merged)).toBe(await redis.pfcount(a, b));
  });

  it('inclusion–exclusion over PFCOUNT unions estimates an overlap of 20 000 within 2 000', async () => {
    const keys = [`${prefix}and-a`, `${prefix}and-b`];
    await fill(keys[0]!, 0, 60_000);
    await fill(keys[1]!, 40_000, 60_000);
    const asked: number[][] = [];
    const overlap = await intersectionEstimateAsync((subset) => {
      asked.push(subset);
      return redis.pfcount(...subset.map((i) => keys[i]!));
    }, 2);
    expect(asked).toEqual([[0], [1], [0, 1]]);
    expect(Math.abs(overlap - 20_000)).toBeLessThanOrEqual(2_000);
  });
});
