import type { DatabaseQuery } from '@servping/shared';
import { decideShards, windowStats, worthSharding } from './shard-decision';
import { countQuery } from '../../../../shared/test/support/definitions';

const query = (extra: Partial<DatabaseQuery> = {}) => countQuery('issues', { batchSize: 1000, ...extra });
const policy = { rowsPerShard: 10_000, maxShards: 64 };

describe('decideShards', () => {
  it.each([
    ['unknown size', null, false],
    ['at the threshold', 10_000, false],
    ['one row above', 10_001, true],
  ])('worthSharding: %s', (_name, rows, expected) => {
    expect(worthSharding(rows, policy)).toBe(expected);
  });

  it('does not shard a table at or below rowsPerShard', () => {
    expect(
      decideShards(query(), { estimatedRows: 10_000, bounds: { min: 1n, max: 10_000n } }, policy),
    ).toBeUndefined();
  });

  it('splits 40 000 rows into 4 shards of whole batches covering [min, max + 1)', () => {
    expect(
      decideShards(query(), { estimatedRows: 40_000, bounds: { min: 1n, max: 40_000n } }, policy),
    ).toEqual([
      { start: '1', finish: '10001' },
      { start: '10001', finish: '20001' },
      { start: '20001', finish: '30001' },
      { start: '30001', finish: '40001' },
    ]);
  });

  it('caps the shard count at maxShards', () => {
    const shards = decideShards(
      query(),
      { estimatedRows: 1_000_000, bounds: { min: 1n, max: 1_000_000n } },
      { rowsPerShard: 10_000, maxShards: 3 },
    );
    expect(shards).toHaveLength(3);
  });

  it('narrows to explicit start/finish of the definition', () => {
    const shards = decideShards(
      query({ start: 20_001, finish: 40_000 }),
      { estimatedRows: 40_000, bounds: { min: 1n, max: 40_000n } },
      policy,
    );
    expect(shards?.[0]?.start).toBe('20001');
    expect(shards?.at(-1)?.finish).toBe('40001');
  });

  it('does not shard without bounds (empty table or non-integer column)', () => {
    expect(decideShards(query(), { estimatedRows: 50_000, bounds: null }, policy)).toBeUndefined();
  });
});

describe('windowStats', () => {
  const table = { estimatedRows: 1_000_000, bounds: { min: 1n, max: 1_000_000n } };

  it('scales the estimate by the share of the column the window spans', () => {
    expect(windowStats(table, { min: 950_001n, max: 1_000_000n })).toEqual({
      estimatedRows: 50_000,
      bounds: { min: 950_001n, max: 1_000_000n },
    });
  });

  it('has no bounds for an empty window, so the metric is not sharded', () => {
    expect(windowStats(table, null)).toEqual({ estimatedRows: 1_000_000, bounds: null });
  });

  it('keeps the table estimate when the full bounds are unknown', () => {
    expect(windowStats({ estimatedRows: 500, bounds: null }, { min: 1n, max: 10n })).toEqual({
      estimatedRows: 500,
      bounds: { min: 1n, max: 10n },
    });
  });
});
