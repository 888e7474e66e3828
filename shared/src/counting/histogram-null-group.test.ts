import { countQuery } from '../../test/support/definitions';
import { nullGroupCountQuery, widthBucket, withNullGroup } from './histogram-null-group';

const histogram = { lower: 1, upper: 100, bucketCount: 100 };
const perAuthor = countQuery('issues', {
  operation: 'histogram',
  column: { table: 'issues', column: 'author_id' },
  filters: [{ column: { table: 'issues', column: 'state' }, op: 'eq', value: 'opened' }],
  histogram,
});

describe('widthBucket', () => {
  // Values checked against PostgreSQL 15: SELECT width_bucket(x::numeric, low, high, count).
  it.each([
    [0, 1, 100, 99, 0],
    [1, 1, 100, 99, 1],
    [2, 1, 100, 99, 2],
    [99, 1, 100, 99, 99],
    [100, 1, 100, 99, 100],
    [5_000, 1, 100, 99, 100],
    [45, 40, 60, 4, 2],
    [60, 40, 60, 4, 5],
    [5.35, 0.024, 10.06, 5, 3],
    [11, 10, 1, 3, 0],
    [10, 10, 1, 3, 1],
    [1, 10, 1, 3, 4],
  ])('width_bucket(%p, %p, %p, %p) = %p', (operand, low, high, count, expected) => {
    expect(widthBucket(operand, low, high, count)).toBe(expected);
  });
});

describe('the NULL group of a histogram', () => {
  it('is a count over the primary key of the same rows with the column NULL', () => {
    expect(nullGroupCountQuery(perAuthor)).toEqual({
      ...countQuery('issues'),
      filters: [...perAuthor.filters, { column: { table: 'issues', column: 'author_id' }, op: 'is_null' }],
    });
  });

  it('is not counted for other operations or with explicit start/finish (bounds on the values)', () => {
    expect(nullGroupCountQuery(countQuery('issues'))).toBeNull();
    expect(nullGroupCountQuery({ ...perAuthor, start: 1 })).toBeNull();
  });

  it('adds one value to the bucket its size falls in, and nothing when empty', () => {
    const batches = { kind: 'histogram' as const, buckets: { '1': 2, '2': 1 } };
    expect(withNullGroup(batches, 1, histogram).buckets).toEqual({ '1': 3, '2': 1 });
    expect(withNullGroup(batches, 250, histogram).buckets).toEqual({ '1': 2, '2': 1, '100': 1 });
    expect(withNullGroup(batches, 0, histogram)).toBe(batches);
  });
});
