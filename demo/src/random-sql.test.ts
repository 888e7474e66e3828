import { columnSalt, TableRandom } from './random-sql';
import { RowValues } from './row-values-sql';

describe('columnSalt', () => {
  it('is a stable signed 64-bit value per (seed, table, column)', () => {
    expect(columnSalt(1, 'issues', 'author_id')).toBe(columnSalt(1, 'issues', 'author_id'));
    expect(BigInt(columnSalt(1, 'issues', 'author_id'))).toBeGreaterThanOrEqual(-(2n ** 63n));
    expect(BigInt(columnSalt(1, 'issues', 'author_id'))).toBeLessThan(2n ** 63n);
  });

  it.each([
    [2, 'issues', 'author_id'],
    [1, 'notes', 'author_id'],
    [1, 'issues', 'project_id'],
  ])('differs for seed %i, %s.%s', (seed, table, column) => {
    expect(columnSalt(seed, table, column)).not.toBe(columnSalt(1, 'issues', 'author_id'));
  });
});

describe('TableRandom.choice', () => {
  const states = [
    ["'active'", 0.9],
    ["'blocked'", 0.07],
    ["'deactivated'", 0.03],
  ] as const;

  it('buckets one uniform value by the cumulative weights', () => {
    const rowValues = new RowValues();
    const sql = new TableRandom(1, 'users', rowValues).choice('state', RowValues.ID, states);
    expect(sql).toBe(
      "CASE WHEN s.v0 < 0.900000 THEN 'active' WHEN s.v0 < 0.970000 THEN 'blocked' ELSE 'deactivated' END",
    );
    expect(rowValues.fromSql().match(/hashint8extended/g)).toHaveLength(1);
  });

  it('is the only option when there is one', () => {
    expect(new TableRandom(1, 'users').choice('state', 'g.id', [["'active'", 1]])).toBe("'active'");
  });

  it('refuses an empty option list', () => {
    expect(() => new TableRandom(1, 'users').choice('state', 'g.id', [])).toThrow(RangeError);
  });
});

describe('TableRandom.uniform with RowValues', () => {
  it('hashes the row id once in the inner SELECT and a foreign id inline', () => {
    const rowValues = new RowValues();
    const random = new TableRandom(1, 'notes', rowValues);
    expect([
      random.uniform('a', RowValues.ID),
      random.uniform('b', RowValues.ID),
      random.uniform('a', RowValues.ID),
    ]).toEqual(['s.v0', 's.v1', 's.v0']);
    expect(random.uniform('a', 's.v1')).toContain('hashint8extended(s.v1, ');
    const from = rowValues.fromSql();
    expect(from.match(/hashint8extended\(g\.id, /g)).toHaveLength(2);
    expect(from).toMatch(/^\(SELECT g\.id AS id,/);
    expect(from).toMatch(
      /FROM \(SELECT generate_series\(\$2::bigint, \$3::bigint\) AS id\) AS g OFFSET 0\) AS s$/,
    );
  });
});
