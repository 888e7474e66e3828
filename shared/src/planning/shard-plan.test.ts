import { planShards, type ShardPlanInput } from './shard-plan';
import type { ShardRange } from '../pipeline/jobs';

describe('planShards', () => {
  const cases: Array<[string, ShardPlanInput, ShardRange[]]> = [
    [
      'a table that fits in one batch gets one shard',
      { min: 1n, max: 500n, batchSize: 1000, maxShards: 8, minBatchesPerShard: 2 },
      [{ start: '1', finish: '501' }],
    ],
    [
      'a few batches stay in one shard when each shard needs 4 batches',
      { min: 1n, max: 7000n, batchSize: 1000, maxShards: 8, minBatchesPerShard: 4 },
      [{ start: '1', finish: '7001' }],
    ],
    [
      'ten batches over four shards: 3,3,2,2 whole batches',
      { min: 0n, max: 9999n, batchSize: 1000, maxShards: 4, minBatchesPerShard: 1 },
      [
        { start: '0', finish: '3000' },
        { start: '3000', finish: '6000' },
        { start: '6000', finish: '8000' },
        { start: '8000', finish: '10000' },
      ],
    ],
    [
      'the last shard ends at max + 1 even inside a partial batch',
      { min: 5n, max: 2504n, batchSize: 1000, maxShards: 3, minBatchesPerShard: 1 },
      [
        { start: '5', finish: '1005' },
        { start: '1005', finish: '2005' },
        { start: '2005', finish: '2505' },
      ],
    ],
    [
      'min == max is one value, one shard',
      { min: 0n, max: 0n, batchSize: 100000, maxShards: 4, minBatchesPerShard: 1 },
      [{ start: '0', finish: '1' }],
    ],
    [
      'maxShards caps the count',
      { min: 1n, max: 1_000_000n, batchSize: 10_000, maxShards: 2, minBatchesPerShard: 1 },
      [
        { start: '1', finish: '500001' },
        { start: '500001', finish: '1000001' },
      ],
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(planShards(input)).toEqual(expected);
  });

  it('covers [min, max+1) contiguously with non-empty shards of whole batches', () => {
    const input = { min: 17n, max: 123_456n, batchSize: 1250, maxShards: 7, minBatchesPerShard: 3 };
    const shards = planShards(input);
    expect(shards).toHaveLength(7);
    expect(shards[0]?.start).toBe('17');
    expect(shards.at(-1)?.finish).toBe('123457');
    shards.forEach((shard, i) => {
      expect(BigInt(shard.finish)).toBeGreaterThan(BigInt(shard.start));
      if (i > 0) expect(shard.start).toBe(shards[i - 1]?.finish);
      if (i < shards.length - 1) expect((BigInt(shard.finish) - BigInt(shard.start)) % 1250n).toBe(0n);
    });
  });

  it('splits an island-shaped key at its quantiles: equal rows, not equal widths', () => {
    // 3 islands of 1 000 ids each: 1…1000, 2³²…2³²+999, 2⁶³−1000…2⁶³−1.
    const top = 2n ** 63n - 1n;
    const ids = [1n, 2n ** 32n, top - 999n].flatMap((first) =>
      Array.from({ length: 1000 }, (_, i) => first + BigInt(i)),
    );
    const quantiles = ids.filter((_, i) => i % 30 === 0);
    const shards = planShards({
      min: 1n,
      max: top,
      batchSize: 100,
      maxShards: 3,
      minBatchesPerShard: 1,
      quantiles,
    });
    expect(shards).toHaveLength(3);
    expect(shards[0]?.start).toBe('1');
    expect(shards.at(-1)?.finish).toBe((top + 1n).toString());
    const rowsIn = (s: { start: string; finish: string }) =>
      ids.filter((id) => id >= BigInt(s.start) && id < BigInt(s.finish)).length;
    expect(shards.map(rowsIn).reduce((a, b) => a + b)).toBe(3000);
    for (const shard of shards) expect(Math.abs(rowsIn(shard) - 1000)).toBeLessThanOrEqual(30);
  });

  it('cuts at the bounds closing equal shares of pg_stats buckets (bounds from min to max)', () => {
    // 1 … 20 000 analyzed in full: 101 bounds 1, 200, 400, …, 20 000.
    const quantiles = [1n, ...Array.from({ length: 100 }, (_, i) => BigInt((i + 1) * 200))];
    const shards = planShards({
      min: 1n,
      max: 20000n,
      batchSize: 2000,
      maxShards: 5,
      minBatchesPerShard: 2,
      quantiles,
    });
    expect(shards).toEqual([
      { start: '1', finish: '4000' },
      { start: '4000', finish: '8000' },
      { start: '8000', finish: '12000' },
      { start: '12000', finish: '16000' },
      { start: '16000', finish: '20001' },
    ]);
  });

  it.each([
    [{ min: 10n, max: 9n, batchSize: 1, maxShards: 1, minBatchesPerShard: 1 }, /min 10 is above max 9/],
    [{ min: 0n, max: 9n, batchSize: 0, maxShards: 1, minBatchesPerShard: 1 }, /batchSize must be at least 1/],
    [
      { min: 0n, max: 9n, batchSize: 1.5, maxShards: 1, minBatchesPerShard: 1 },
      /batchSize must be an integer/,
    ],
    [{ min: 0n, max: 9n, batchSize: 1, maxShards: 0, minBatchesPerShard: 1 }, /maxShards must be at least 1/],
  ])('rejects %o', (input, message) => {
    expect(() => planShards(input)).toThrow(message);
  });
});
