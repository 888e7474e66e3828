import { planShards, type ShardPlanInput } from './shard-plan';
import type { ShardRange } from '../pipeline/jobs';

describe('planShards', () => {
  const cases: Array<[string, ShardPlanInput, ShardRange[]]> = [
    [
      'a table that fits in one batch gets one shard',
      { min: 1, max: 500, batchSize: 1000, maxShards: 8, minBatchesPerShard: 2 },
      [{ start: 1, finish: 501 }],
    ],
    [
      'a few batches stay in one shard when each shard needs 4 batches',
      { min: 1, max: 7000, batchSize: 1000, maxShards: 8, minBatchesPerShard: 4 },
      [{ start: 1, finish: 7001 }],
    ],
    [
      'ten batches over four shards: 3,3,2,2 whole batches',
      { min: 0, max: 9999, batchSize: 1000, maxShards: 4, minBatchesPerShard: 1 },
      [
        { start: 0, finish: 3000 },
        { start: 3000, finish: 6000 },
        { start: 6000, finish: 8000 },
        { start: 8000, finish: 10000 },
      ],
    ],
    [
      'the last shard ends at max + 1 even inside a partial batch',
      { min: 5, max: 2504, batchSize: 1000, maxShards: 3, minBatchesPerShard: 1 },
      [
        { start: 5, finish: 1005 },
        { start: 1005, finish: 2005 },
        { start: 2005, finish: 2505 },
      ],
    ],
    [
      'min == max is one value, one shard',
      { min: 0, max: 0, batchSize: 100000, maxShards: 4, minBatchesPerShard: 1 },
      [{ start: 0, finish: 1 }],
    ],
    [
      'maxShards caps the count',
      { min: 1, max: 1_000_000, batchSize: 10_000, maxShards: 2, minBatchesPerShard: 1 },
      [
        { start: 1, finish: 500_001 },
        { start: 500_001, finish: 1_000_001 },
      ],
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(planShards(input)).toEqual(expected);
  });

  it('covers [min, max+1) contiguously with non-empty shards of whole batches', () => {
    const input = { min: 17, max: 123_456, batchSize: 1250, maxShards: 7, minBatchesPerShard: 3 };
    const shards = planShards(input);
    expect(shards).toHaveLength(7);
    expect(shards[0]?.start).toBe(17);
    expect(shards.at(-1)?.finish).toBe(123_457);
    shards.forEach((shard, i) => {
      expect(shard.finish).toBeGreaterThan(shard.start);
      if (i > 0) expect(shard.start).toBe(shards[i - 1]?.finish);
      if (i < shards.length - 1) expect((shard.finish - shard.start) % 1250).toBe(0);
    });
  });

  it.each([
    [{ min: 10, max: 9, batchSize: 1, maxShards: 1, minBatchesPerShard: 1 }, /min 10 is above max 9/],
    [{ min: 0, max: 9, batchSize: 0, maxShards: 1, minBatchesPerShard: 1 }, /batchSize must be at least 1/],
    [{ min: 0, max: 9.5, batchSize: 1, maxShards: 1, minBatchesPerShard: 1 }, /max must be an integer/],
    [{ min: 0, max: 9, batchSize: 1, maxShards: 0, minBatchesPerShard: 1 }, /maxShards must be at least 1/],
  ])('rejects %o', (input, message) => {
    expect(() => planShards(input)).toThrow(message);
  });
});
