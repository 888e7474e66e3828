import type { DatabaseQuery } from '../definitions/types';
import { CounterConfigError } from '../errors';
import { countQuery } from '../../test/support/definitions';
import { buildPassStatement, passPartials } from './pass-sql';

const issues = (over: Partial<DatabaseQuery> = {}) => countQuery('issues', over);
const col = (column: string, table = 'issues') => ({ table, column });
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ');
const window = { from: new Date('2024-02-14T00:00:00Z'), to: new Date('2024-03-13T00:00:00Z') };

describe('buildPassStatement', () => {
  it('reads the fenced batch rows once and computes each member over its own flagged rows', () => {
    const statement = buildPassStatement(
      [
        { query: issues() },
        {
          query: issues({
            filters: [{ column: col('state'), op: 'eq', value: 'opened' }],
            whereSql: 'issues.weight > 2',
          }),
        },
        { query: issues({ operation: 'sum', column: col('weight'), groupBy: col('state') }) },
      ],
      window,
    );
    const sql = oneLine(statement.text);
    expect(sql).toContain(
      'WITH pass_rows AS ( SELECT true AS f0, "issues"."id" AS v0, "issues"."state" = $3 AND (issues.weight > 2) AS f1, "issues"."id" AS v1, true AS f2, "issues"."weight" AS v2, "issues"."state" AS g2 ' +
        'FROM (SELECT * FROM "issues" WHERE "issues"."id" >= $1 AND "issues"."id" <= $2 OFFSET 0) AS "issues" ' +
        'WHERE "issues"."created_at" BETWEEN $4 AND $5 )',
    );
    expect(sql).toContain('SELECT COUNT(*) AS rows_read,');
    // Plain members: FILTER aggregates of the one scan; a grouped one: its own SELECT over the rows.
    expect(sql).toContain(
      `json_build_array(json_build_object('value', (COUNT(pass_rows.v1) FILTER (WHERE pass_rows.f1))::text)) AS m1`,
    );
    expect(sql).toContain('FROM pass_rows WHERE pass_rows.f2 GROUP BY 1 ORDER BY 1');
    expect(sql).toContain(
      `json_build_object('group_key', member_rows.group_key::text, 'value', member_rows.value::text)`,
    );
    expect(statement.params).toEqual(['opened', '2024-02-14T00:00:00.000Z', '2024-03-13T00:00:00.000Z']);
  });

  it.each<[string, DatabaseQuery]>([
    ['another table', countQuery('notes')],
    ['other joins', issues({ joins: [{ table: 'users', left: col('author_id'), rightColumn: 'id' }] })],
    [
      'value ranges',
      issues({ operation: 'distinct_count', column: col('author_id'), distinctBy: 'value_ranges' }),
    ],
  ])('refuses a member over %s', (_name, query) => {
    expect(() => buildPassStatement([{ query: issues() }, { query }], null)).toThrow(CounterConfigError);
  });
});

describe('passPartials', () => {
  it('reads each member’s text-valued rows exactly, sums past 2⁵³ included', () => {
    const members = [
      { query: issues() },
      { query: issues({ operation: 'sum', column: col('weight') }) },
      { query: issues({ groupBy: col('state') }) },
      {
        query: issues({
          operation: 'distinct_count',
          column: col('author_id'),
          distinctBy: 'bitmap' as const,
        }),
      },
    ];
    const row = {
      rows_read: '12',
      m0: [{ value: '12' }],
      m1: [{ value: '18014398509481985' }],
      m2: [
        { group_key: 'closed', value: '5' },
        { group_key: null, value: '1' },
      ],
      m3: [{ word: '0', bits: '6' }],
    };
    const { partials, rowsRead } = passPartials(members, row);
    expect(rowsRead).toBe(12);
    expect(partials[0]).toEqual({ kind: 'number', value: 12n });
    expect(partials[1]).toEqual({ kind: 'number', value: 18014398509481985n });
    expect(partials[2]).toEqual({ kind: 'grouped', values: { closed: 5n, '': 1n } });
    expect(partials[3]).toEqual({ kind: 'distinct_bits', bits: new Map([['0', 6]]) });
  });
});
