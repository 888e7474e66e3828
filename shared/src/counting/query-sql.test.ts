import {
  batchColumn,
  bindBatch,
  boundsQuery,
  buildBatchStatement,
  renderDisplaySql,
  renderUnbatchedQuery,
  withDistinctStrategy,
} from './query-sql';
import type { DatabaseQuery } from '../definitions/types';
import { CounterConfigError } from '../errors';
import { countQuery } from '../../test/support/definitions';

const base = countQuery('issues');
const q = (over: Partial<DatabaseQuery>) => countQuery('issues', over);
const window = { from: new Date('2024-02-14T00:00:00Z'), to: new Date('2024-03-13T00:00:00Z') };
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ');

describe('buildBatchStatement', () => {
  it.each<[string, DatabaseQuery, string]>([
    [
      'count over the primary key',
      base,
      'SELECT COUNT("issues"."id") AS value FROM (SELECT * FROM "issues" WHERE "issues"."id" >= $1 AND "issues"."id" <= $2 OFFSET 0) AS "issues"',
    ],
    [
      'distinct_count over the counted column',
      q({ operation: 'distinct_count', column: { table: 'issues', column: 'author_id' } }),
      'SELECT COUNT(DISTINCT "issues"."author_id") AS value FROM (SELECT * FROM "issues" WHERE "issues"."author_id" >= $1 AND "issues"."author_id" <= $2 OFFSET 0) AS "issues"',
    ],
    [
      'sum over the primary key',
      q({ operation: 'sum', column: { table: 'issues', column: 'weight' } }),
      'SELECT COALESCE(SUM("issues"."weight"), 0) AS value FROM (SELECT * FROM "issues" WHERE "issues"."id" >= $1 AND "issues"."id" <= $2 OFFSET 0) AS "issues"',
    ],
    [
      'average over its own column',
      q({ operation: 'average', column: { table: 'issues', column: 'weight' } }),
      'SELECT COALESCE(SUM("issues"."weight"), 0) AS sum, COUNT("issues"."weight") AS count FROM (SELECT * FROM "issues" WHERE "issues"."weight" >= $1 AND "issues"."weight" <= $2 OFFSET 0) AS "issues"',
    ],
    [
      'grouped count',
      q({ groupBy: { table: 'issues', column: 'state' } }),
      'SELECT CAST("issues"."state" AS text) AS group_key, COUNT("issues"."id") AS value FROM (SELECT * FROM "issues" WHERE "issues"."id" >= $1 AND "issues"."id" <= $2 OFFSET 0) AS "issues" GROUP BY 1 ORDER BY 1',
    ],
  ])('%s', (_name, query, sql) => {
    const statement = buildBatchStatement(query, null);
    expect(oneLine(statement.text)).toBe(sql);
    expect(statement.params).toEqual([]);
  });

  it('fences the batch range and binds joins, every filter operator, where_sql and the window after $1/$2', () => {
    const query = q({
      operation: 'distinct_count',
      column: { table: 'issues', column: 'author_id' },
      joins: [{ table: 'projects', left: { table: 'issues', column: 'project_id' }, rightColumn: 'id' }],
      filters: [
        { column: { table: 'issues', column: 'state' }, op: 'eq', value: "o'pened" },
        { column: { table: 'issues', column: 'weight' }, op: 'ne', value: 0 },
        { column: { table: 'issues', column: 'weight' }, op: 'lt', value: 10 },
        { column: { table: 'issues', column: 'weight' }, op: 'lte', value: 9 },
        { column: { table: 'issues', column: 'weight' }, op: 'gt', value: 1 },
        { column: { table: 'issues', column: 'weight' }, op: 'gte', value: 2 },
        { column: { table: 'projects', column: 'visibility_level' }, op: 'in', value: [10, 20] },
        { column: { table: 'projects', column: 'name' }, op: 'not_in', value: ['a', 'b'] },
        { column: { table: 'issues', column: 'closed_at' }, op: 'is_null' },
        { column: { table: 'projects', column: 'archived' }, op: 'is_not_null' },
      ],
      whereSql: 'issues.confidential IS FALSE OR issues.weight > 5',
    });
    const statement = buildBatchStatement(query, window);
    expect(oneLine(statement.text)).toBe(
      'SELECT COUNT(DISTINCT "issues"."author_id") AS value ' +
        'FROM (SELECT * FROM "issues" WHERE "issues"."author_id" >= $1 AND "issues"."author_id" <= $2 OFFSET 0) AS "issues" ' +
        'JOIN "projects" ON "issues"."project_id" = "projects"."id" ' +
        'WHERE "issues"."state" = $3 AND "issues"."weight" <> $4 AND "issues"."weight" < $5 ' +
        'AND "issues"."weight" <= $6 AND "issues"."weight" > $7 AND "issues"."weight" >= $8 ' +
        'AND "projects"."visibility_level" = ANY($9) AND "projects"."name" <> ALL($10) ' +
        'AND "issues"."closed_at" IS NULL AND "projects"."archived" IS NOT NULL ' +
        'AND (issues.confidential IS FALSE OR issues.weight > 5) ' +
        'AND "issues"."created_at" BETWEEN $11 AND $12',
    );
    expect(bindBatch(statement, 100n, 2n ** 63n)).toEqual([
      '100',
      '9223372036854775807',
      "o'pened",
      0,
      10,
      9,
      1,
      2,
      [10, 20],
      ['a', 'b'],
      '2024-02-14T00:00:00.000Z',
      '2024-03-13T00:00:00.000Z',
    ]);
  });

  it('histogram: WIDTH_BUCKET over per-value counts of the batch, bucket_size − 1 segments', () => {
    const query = q({
      operation: 'histogram',
      column: { table: 'integrations', column: 'project_id' },
      table: 'integrations',
      timestampColumn: { table: 'integrations', column: 'created_at' },
      histogram: { lower: 1, upper: 100, bucketCount: 100 },
    });
    const statement = buildBatchStatement(query, null);
    expect(oneLine(statement.text)).toBe(
      'WITH count_cte AS MATERIALIZED ( SELECT COUNT(*) AS count_grouped FROM ' +
        '(SELECT * FROM "integrations" WHERE "integrations"."project_id" >= $1 AND "integrations"."project_id" <= $2 OFFSET 0) AS "integrations" GROUP BY "integrations"."project_id" ) ' +
        'SELECT WIDTH_BUCKET(count_grouped, CAST($3 AS numeric), CAST($4 AS numeric), CAST($5 AS integer)) AS bucket, ' +
        'COUNT(*) AS value FROM count_cte GROUP BY 1 ORDER BY 1',
    );
    expect(statement.params).toEqual([1, 100, 99]);
  });

  it('estimate: the HLL register query over primary-key batches, NULLs skipped', () => {
    const query = q({
      operation: 'estimate_distinct_count',
      column: { table: 'issues', column: 'author_id' },
    });
    const statement = buildBatchStatement(query, window, { mode: 'servping', valueType: 'integer' });
    const sql = oneLine(statement.text);
    expect(sql).toContain('hashtextextended(("issues"."author_id")::text, 0)');
    expect(sql).toContain(
      'FROM (SELECT * FROM "issues" WHERE "issues"."id" >= $1 AND "issues"."id" <= $2 OFFSET 0) AS "issues" WHERE "issues"."created_at" BETWEEN $3 AND $4 AND "issues"."author_id" IS NOT NULL',
    );
    expect(statement.params).toEqual(['2024-02-14T00:00:00.000Z', '2024-03-13T00:00:00.000Z']);
    const gitlab = oneLine(buildBatchStatement(query, null, { mode: 'gitlab', valueType: 'integer' }).text);
    expect(gitlab).toContain(`md5(CAST("issues"."author_id" AS text))`);
  });

  it.each<[string, DatabaseQuery, RegExp]>([
    ['an injected table name', q({ table: 'issues; DROP TABLE users' }), /invalid SQL identifier/],
    [
      'an injected column name',
      q({ column: { table: 'issues', column: 'id") FROM users --' } }),
      /invalid SQL identifier/,
    ],
    [
      'an injected filter column',
      q({ filters: [{ column: { table: 'issues', column: 'a OR 1=1' }, op: 'eq', value: 1 }] }),
      /invalid SQL identifier/,
    ],
    [
      'a where_sql with a statement separator',
      q({ whereSql: 'true; DELETE FROM issues' }),
      /must not contain ";"/,
    ],
    [
      'a column of an unjoined table',
      q({ column: { table: 'projects', column: 'id' } }),
      /neither the main table nor joined/,
    ],
    [
      'a join off an unjoined table',
      q({ joins: [{ table: 'users', left: { table: 'projects', column: 'owner_id' }, rightColumn: 'id' }] }),
      /neither the main table nor joined/,
    ],
    ['distinct count of the primary key', q({ operation: 'distinct_count' }), /primary key/],
    [
      'a grouped average',
      q({ operation: 'average', groupBy: { table: 'issues', column: 'state' } }),
      /cannot be grouped/,
    ],
    [
      'in with a scalar',
      q({ filters: [{ column: { table: 'issues', column: 'state' }, op: 'in', value: 'x' }] }),
      /list/,
    ],
    [
      'eq without a value',
      q({ filters: [{ column: { table: 'issues', column: 'state' }, op: 'eq' }] }),
      /single value/,
    ],
    ['a histogram without buckets', q({ operation: 'histogram' }), /needs buckets/],
    [
      'equal histogram bounds',
      q({ operation: 'histogram', histogram: { lower: 5, upper: 5, bucketCount: 10 } }),
      /cannot equal/,
    ],
    [
      'a histogram of 101 buckets',
      q({ operation: 'histogram', histogram: { lower: 1, upper: 100, bucketCount: 101 } }),
      /exceeds the limit of 100/,
    ],
    ['an estimate without hashing', q({ operation: 'estimate_distinct_count' }), /HLL mode/],
  ])('rejects %s before building SQL', (_name, query, message) => {
    expect(() => buildBatchStatement(query, null)).toThrow(CounterConfigError);
    expect(() => buildBatchStatement(query, null)).toThrow(message);
  });
});

describe('batchColumn and boundsQuery', () => {
  it.each<[DatabaseQuery['operation'], string]>([
    ['count', 'id'],
    ['sum', 'id'],
    ['estimate_distinct_count', 'id'],
    ['distinct_count', 'author_id'],
    ['average', 'author_id'],
    ['histogram', 'author_id'],
  ])('%s batches over %s', (operation, column) => {
    const query = q({
      operation,
      column: { table: 'issues', column: 'author_id' },
      histogram: operation === 'histogram' ? { lower: 1, upper: 10, bucketCount: 10 } : undefined,
    });
    expect(batchColumn(query)).toEqual({ table: 'issues', column });
    expect(boundsQuery(query)).toEqual({
      text: `SELECT MIN("issues"."${column}") AS min, MAX("issues"."${column}") AS max FROM "issues"`,
      params: [],
    });
  });
});

describe('renderUnbatchedQuery and renderDisplaySql', () => {
  it.each<[string, DatabaseQuery, string]>([
    ['count', base, 'SELECT COUNT("issues"."id") AS value FROM "issues"'],
    [
      'estimate as exact distinct',
      q({ operation: 'estimate_distinct_count', column: { table: 'issues', column: 'author_id' } }),
      'SELECT COUNT(DISTINCT "issues"."author_id") AS value FROM "issues"',
    ],
    [
      'average',
      q({ operation: 'average', column: { table: 'issues', column: 'weight' } }),
      'SELECT COALESCE(SUM("issues"."weight")::float8 / NULLIF(COUNT("issues"."weight"), 0), -1) AS value FROM "issues"',
    ],
    [
      'explicit start/finish, inclusive',
      q({ start: 10, finish: 20 }),
      'SELECT COUNT("issues"."id") AS value FROM "issues" WHERE "issues"."id" >= $1 AND "issues"."id" <= $2',
    ],
  ])('%s', (_name, query, sql) => {
    expect(oneLine(renderUnbatchedQuery(query, null).text)).toBe(sql);
  });

  it('inlines escaped literals for display only', () => {
    const query = q({
      operation: 'sum',
      column: { table: 'issues', column: 'weight' },
      filters: [
        { column: { table: 'issues', column: 'title' }, op: 'eq', value: "it's \\ here" },
        { column: { table: 'issues', column: 'state' }, op: 'in', value: ['opened', 'closed'] },
        { column: { table: 'issues', column: 'confidential' }, op: 'eq', value: false },
      ],
    });
    expect(oneLine(renderDisplaySql(query, window))).toBe(
      'SELECT COALESCE(SUM("issues"."weight"), 0) AS value FROM "issues" ' +
        `WHERE "issues"."title" = E'it''s \\\\ here' AND "issues"."state" = ANY(ARRAY['opened', 'closed']) ` +
        `AND "issues"."confidential" = FALSE ` +
        `AND "issues"."created_at" BETWEEN '2024-02-14T00:00:00.000Z' AND '2024-03-13T00:00:00.000Z'`,
    );
  });
});

describe('bitmap distinct counts', () => {
  const distinct = q({ operation: 'distinct_count', column: { table: 'issues', column: 'author_id' } });

  const filtered = {
    ...distinct,
    filters: [{ column: { table: 'issues', column: 'state' }, op: 'eq' as const, value: 'opened' }],
  };
  const joined = {
    ...distinct,
    joins: [{ table: 'projects', left: { table: 'issues', column: 'project_id' }, rightColumn: 'id' }],
    column: { table: 'projects', column: 'namespace_id' },
  };
  const facts = (columnType: string | null, indexed = true, windowed = false, sharesPass = false) => ({
    columnType,
    indexed,
    windowed,
    sharesPass,
  });

  it.each<[string, DatabaseQuery, ReturnType<typeof facts>, 'servping' | 'gitlab', string]>([
    [
      'a bare indexed column whose rows a shared pass reads',
      distinct,
      facts('bigint', true, false, true),
      'servping',
      'bitmap',
    ],
    [
      'an indexed joined column whose rows a shared pass reads',
      joined,
      facts('bigint', true, false, true),
      'servping',
      'bitmap',
    ],
    [
      'a text column a shared pass reads',
      distinct,
      facts('text', true, false, true),
      'servping',
      'value_ranges',
    ],
    [
      'GitLab mode with a shared pass',
      distinct,
      facts('bigint', true, false, true),
      'gitlab',
      'value_ranges',
    ],
    ['a filtered integer column', filtered, facts('bigint'), 'servping', 'bitmap'],
    [
      'a grouped integer column',
      { ...distinct, groupBy: { table: 'issues', column: 'state' } },
      facts('integer'),
      'servping',
      'bitmap',
    ],
    ['a windowed integer column', distinct, facts('bigint', true, true), 'servping', 'bitmap'],
    ['a bare integer column without an index', distinct, facts('smallint', false), 'servping', 'bitmap'],
    ['a joined column without an index', joined, facts('bigint', false), 'servping', 'bitmap'],
    [
      'a bare indexed column (an index-only scan per range)',
      distinct,
      facts('bigint'),
      'servping',
      'value_ranges',
    ],
    [
      'an indexed joined column (an index nested loop per range)',
      joined,
      facts('bigint'),
      'servping',
      'value_ranges',
    ],
    ['a text column', filtered, facts('text'), 'servping', 'value_ranges'],
    ['an unknown column type', filtered, facts(null), 'servping', 'value_ranges'],
    ['GitLab mode', filtered, facts('bigint'), 'gitlab', 'value_ranges'],
    [
      'explicit start (a value of the counted column)',
      { ...filtered, start: 10 },
      facts('bigint'),
      'servping',
      'value_ranges',
    ],
  ])('resolve to the strategy for %s', (_name, query, columnFacts, mode, expected) => {
    expect(withDistinctStrategy(query, columnFacts, mode).distinctBy).toBe(expected);
  });

  it('leave other operations and resolved queries unchanged', () => {
    expect(withDistinctStrategy(base, facts('bigint'))).toBe(base);
    const resolved = { ...distinct, distinctBy: 'value_ranges' as const };
    expect(withDistinctStrategy(resolved, facts('bigint', false))).toBe(resolved);
  });

  it('batch over the primary key and return one row per 32-bit word, per group when grouped', () => {
    const bitmap = { ...distinct, distinctBy: 'bitmap' as const };
    expect(batchColumn(bitmap)).toEqual({ table: 'issues', column: 'id' });
    expect(batchColumn(distinct)).toEqual({ table: 'issues', column: 'author_id' });
    expect(oneLine(buildBatchStatement(bitmap, null).text)).toBe(
      'SELECT (CAST("issues"."author_id" AS bigint) >> 5) AS word, BIT_OR(1 << CAST(CAST("issues"."author_id" AS bigint) & 31 AS integer)) AS bits FROM (SELECT * FROM "issues" WHERE "issues"."id" >= $1 AND "issues"."id" <= $2 OFFSET 0) AS "issues" WHERE "issues"."author_id" IS NOT NULL GROUP BY 1',
    );
    const grouped = { ...bitmap, groupBy: { table: 'issues', column: 'state' } };
    expect(oneLine(buildBatchStatement(grouped, null).text)).toMatch(
      /^SELECT CAST\("issues"\."state" AS text\) AS group_key, .* GROUP BY 1, 2$/,
    );
  });
});
