import type { DatabaseQuery, TimeFrame } from '../definitions/types';
import { countQuery } from '../../test/support/definitions';
import { CounterConfigError } from '../errors';
import { startingBatchSize } from '../counting/batch-loop';
import { groupPasses, passKey, passRowsQuery } from './pass-plan';

const issues = (over: Partial<DatabaseQuery> = {}) => countQuery('issues', over);
const col = (column: string, table = 'issues') => ({ table, column });
const join = { table: 'users', left: col('author_id'), rightColumn: 'id' };

describe('passKey', () => {
  it.each<[string, DatabaseQuery, TimeFrame]>([
    ['count', issues(), 'all'],
    ['sum', issues({ operation: 'sum', column: col('weight') }), 'all'],
    [
      'average by primary key',
      issues({ operation: 'average', column: col('weight'), averageBy: 'primary_key' }),
      'all',
    ],
    [
      'bitmap distinct',
      issues({ operation: 'distinct_count', column: col('author_id'), distinctBy: 'bitmap' }),
      'all',
    ],
    ['estimate', issues({ operation: 'estimate_distinct_count', column: col('author_id') }), 'all'],
    ['grouped count', issues({ groupBy: col('state') }), 'all'],
    ['filtered count', issues({ filters: [{ column: col('state'), op: 'eq', value: 'opened' }] }), 'all'],
  ])('puts a %s over issues in the all-time issues pass', (_name, query, timeFrame) => {
    expect(passKey({ query, timeFrame })).toBe(passKey({ query: issues(), timeFrame: 'all' }));
  });

  it.each<[string, DatabaseQuery]>([
    [
      'value-range distinct count',
      issues({ operation: 'distinct_count', column: col('author_id'), distinctBy: 'value_ranges' }),
    ],
    ['unresolved distinct count', issues({ operation: 'distinct_count', column: col('author_id') })],
    [
      'value-range average',
      issues({ operation: 'average', column: col('weight'), averageBy: 'value_ranges' }),
    ],
    ['unresolved average', issues({ operation: 'average', column: col('weight') })],
    [
      'histogram',
      issues({
        operation: 'histogram',
        column: col('author_id'),
        histogram: { lower: 1, upper: 10, bucketCount: 10 },
      }),
    ],
    ['explicit start', issues({ start: 10 })],
    ['explicit finish', issues({ finish: 10 })],
  ])('keeps a %s on its own walk', (_name, query) => {
    expect(passKey({ query, timeFrame: 'all' })).toBeNull();
  });

  it('separates other joins and windows', () => {
    const keys = [
      passKey({ query: issues(), timeFrame: 'all' }),
      passKey({ query: issues({ joins: [join] }), timeFrame: 'all' }),
      passKey({ query: issues(), timeFrame: '28d' }),
      passKey({ query: issues(), timeFrame: '7d' }),
      passKey({ query: issues({ timestampColumn: col('updated_at') }), timeFrame: '28d' }),
      passKey({ query: countQuery('notes'), timeFrame: 'all' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    // An all-time metric reads no timestamp: its column does not split the pass.
    expect(passKey({ query: issues({ timestampColumn: col('updated_at') }), timeFrame: 'all' })).toBe(
      keys[0],
    );
    // GitLab's counts.notes sets batch_size: 50000; it still shares the notes pass.
    expect(passKey({ query: issues({ batchSize: 2_000 }), timeFrame: 'all' })).toBe(keys[0]);
  });
});

describe('groupPasses', () => {
  it('groups two or more metrics per key, in first-seen order; singletons and the rest walk alone', () => {
    const items = [
      { name: 'a', query: issues(), timeFrame: 'all' as const },
      { name: 'h', query: issues({ start: 1 }), timeFrame: 'all' as const },
      { name: 'n', query: countQuery('notes'), timeFrame: 'all' as const },
      { name: 'b', query: issues({ groupBy: col('state') }), timeFrame: 'all' as const },
      { name: 'w1', query: issues(), timeFrame: '28d' as const },
      { name: 'w2', query: issues({ operation: 'sum', column: col('weight') }), timeFrame: '28d' as const },
      { name: 'c', query: issues({ operation: 'sum', column: col('weight') }), timeFrame: 'all' as const },
    ];
    const { passes, alone } = groupPasses(items, (item) => (item.name === 'x' ? null : item));
    expect(passes.map((pass) => pass.map((i) => i.name))).toEqual([
      ['a', 'b', 'c'],
      ['w1', 'w2'],
    ]);
    expect(alone.map((i) => i.name)).toEqual(['h', 'n']);
  });
});

describe('passRowsQuery', () => {
  it('counts the pass rows by primary key, keeping table, joins, window column and batch size', () => {
    const member = issues({
      operation: 'sum',
      column: col('weight'),
      joins: [join],
      filters: [{ column: col('user_type', 'users'), op: 'eq', value: 1 }],
      whereSql: 'issues.weight > 0',
      groupBy: col('state'),
      batchSize: 5_000,
    });
    expect(passRowsQuery([member])).toEqual(issues({ joins: [join], batchSize: 5_000 }));
  });

  it('sizes the pass by the smallest batch_size a member declares, else the largest default', () => {
    const sum = issues({ operation: 'sum', column: col('weight') });
    expect(
      passRowsQuery([issues(), sum, issues({ batchSize: 50_000 }), issues({ batchSize: 7_000 })]).batchSize,
    ).toBe(7_000);
    const estimate = issues({ operation: 'estimate_distinct_count', column: col('author_id') });
    expect(passRowsQuery([sum, estimate]).batchSize).toBe(
      Math.max(startingBatchSize(sum), startingBatchSize(estimate)),
    );
  });

  it('refuses an empty pass', () => {
    expect(() => passRowsQuery([])).toThrow(CounterConfigError);
  });
});
