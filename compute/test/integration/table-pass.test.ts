import { expect } from '@jest/globals';
import { finalValue, type DatabaseQuery, type TimeFrame } from '@servping/shared';
import type { InstanceDbPort } from '../../src/ports/instance-db.port';
import { InstanceDbRepository } from '../../src/repositories/instance-db.repository';
import { computeDatabaseValue } from '../../src/kinds/database/database-metric';
import { computeTablePass, type TablePassOutcome } from '../../src/kinds/database/table-pass';
import { createTestDatabase } from '../support/database-fixture';
import { groundTruthOn } from '../support/ground-truth';
import { countQuery } from '../../../shared/test/support/definitions';

const recordedAt = new Date('2024-03-15T00:00:00Z');
const col = (column: string, table = 'issues') => ({ table, column });
const projectJoin = { table: 'projects', left: col('project_id'), rightColumn: 'id' };
/** Members of one pass: issues joined to projects. */
const issues = (over: Partial<DatabaseQuery> = {}) => countQuery('issues', { joins: [projectJoin], ...over });
const bitmap = { operation: 'distinct_count', distinctBy: 'bitmap' } as const;

let fixture: Awaited<ReturnType<typeof createTestDatabase>>;
let db: InstanceDbRepository;
let statements = 0;
/** `db`, counting the statements run through it. */
const counting: InstanceDbPort = {
  runBatch: (sql, params, signal) => {
    statements += 1;
    return db.runBatch(sql, params, signal);
  },
  columnType: (table, column) => db.columnType(table, column),
  hasLeadingIndex: (column) => db.hasLeadingIndex(column),
  bounds: (statement, signal) => db.bounds(statement, signal),
};

beforeAll(async () => {
  fixture = await createTestDatabase('tablepass');
  await fixture.client.query(`
    CREATE TABLE projects (id bigint PRIMARY KEY, visibility_level int NOT NULL, archived boolean);
    INSERT INTO projects SELECT p, (p % 3) * 10, CASE WHEN p % 7 = 0 THEN NULL ELSE p % 2 = 0 END
      FROM generate_series(1, 60) p;
    CREATE TABLE issues (
      id bigint PRIMARY KEY, author_id bigint, project_id bigint NOT NULL, state text NOT NULL,
      weight bigint, created_at timestamptz NOT NULL);
    INSERT INTO issues SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 397 + 1 END, i % 60 + 1,
      (ARRAY['opened','closed','locked'])[i % 3 + 1],
      CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 7) * 3000000000000000 END,
      TIMESTAMPTZ '2024-03-15' - (i % 40) * INTERVAL '1 day' FROM generate_series(1, 20000) i;
    -- Keys with gaps (every 997th id, then a block near 2^62), an indexed column with negative,
    -- zero, NULL and huge values: a distinct count the planner moves from value ranges into a pass.
    CREATE TABLE scattered (id bigint PRIMARY KEY, author bigint, created_at timestamptz NOT NULL);
    INSERT INTO scattered
      SELECT i * 997 + CASE WHEN i > 2900 THEN 4611686018427387904 ELSE 0 END,
             CASE WHEN i % 9 = 0 THEN NULL WHEN i % 13 = 0 THEN -4611686018427387904 + i % 5
                  WHEN i % 17 = 0 THEN 9223372036854775807 - i % 3 ELSE (i % 301) - 150 END,
             TIMESTAMPTZ '2024-03-15' - (i % 40) * INTERVAL '1 day'
        FROM generate_series(1, 3000) i;
    CREATE INDEX scattered_author ON scattered (author);
    ANALYZE;
  `);
  db = InstanceDbRepository.connect({ connectionString: fixture.url, applicationName: 'table-pass-test' });
});

afterAll(async () => {
  await db?.close();
  await fixture?.drop();
});

const groundTruth = groundTruthOn(() => fixture.client, recordedAt);

const valueOf = (outcome: TablePassOutcome, i: number) => {
  const member = outcome.members[i]!;
  return 'partial' in member ? finalValue(member.partial) : member;
};

describe('computeTablePass', () => {
  const members: Array<[string, DatabaseQuery]> = [
    ['count', issues()],
    ['count with filters', issues({ filters: [{ column: col('state'), op: 'eq', value: 'opened' }] })],
    ['count with where_sql on the joined table', issues({ whereSql: 'projects.visibility_level > 0' })],
    ['sum past 2⁵³', issues({ operation: 'sum', column: col('weight') })],
    [
      'average by primary key',
      issues({ operation: 'average', column: col('author_id'), averageBy: 'primary_key' }),
    ],
    ['bitmap distinct', issues({ ...bitmap, column: col('author_id') })],
    ['grouped count', issues({ groupBy: col('state') })],
    [
      'grouped bitmap distinct',
      issues({ ...bitmap, column: col('author_id'), groupBy: col('archived', 'projects') }),
    ],
  ];

  it.each<TimeFrame>(['all', '28d'])(
    'gives every member its exact value in one walk (%s)',
    async (timeFrame) => {
      statements = 0;
      const outcome = await computeTablePass({
        members: members.map(([, q]) => q),
        timeFrame,
        recordedAt,
        db: counting,
        targetStatementMs: 250,
      });
      const passStatements = statements;
      for (const [i, [, q]] of members.entries()) {
        expect([members[i]![0], valueOf(outcome, i)]).toEqual([
          members[i]![0],
          await groundTruth(q, timeFrame),
        ]);
      }
      expect(outcome.rowsRead).toBe(Number(await groundTruth(issues(), timeFrame)));
      expect(outcome.statements).toBeGreaterThan(0);
      statements = 0;
      for (const [, q] of members)
        await computeDatabaseValue({ query: q, timeFrame, recordedAt, db: counting });
      expect(passStatements).toBeLessThan(statements);
    },
  );

  it('gives an estimate the registers of its own walk', async () => {
    const estimate = issues({ operation: 'estimate_distinct_count', column: col('author_id') });
    const outcome = await computeTablePass({
      members: [issues(), estimate],
      timeFrame: 'all',
      recordedAt,
      db,
    });
    const alone = await computeDatabaseValue({ query: estimate, timeFrame: 'all', recordedAt, db });
    expect(valueOf(outcome, 1)).toBe(alone.value);
  });

  it('splits out a member whose where_sql fails, names its error, and keeps the others exact', async () => {
    const broken = issues({ whereSql: 'issues.no_such_column > 0' });
    // Fails only in the batch holding id 15 000: the member leaves the pass mid-walk.
    const late = issues({ whereSql: '1 / (issues.id - 15000) > -1' });
    const outcome = await computeTablePass({
      members: [issues(), broken, late, issues({ operation: 'sum', column: col('weight') })],
      timeFrame: 'all',
      recordedAt,
      db,
      targetStatementMs: 1,
    });
    expect(outcome.members[1]).toEqual({ alone: expect.stringContaining('no_such_column') });
    expect(outcome.members[2]).toEqual({ alone: expect.stringContaining('division by zero') });
    expect(valueOf(outcome, 0)).toBe(await groundTruth(issues(), 'all'));
    expect(valueOf(outcome, 3)).toBe(
      await groundTruth(issues({ operation: 'sum', column: col('weight') }), 'all'),
    );
  });

  it('splits out the member whose filter makes the shared statement time out', async () => {
    const short = InstanceDbRepository.connect({
      connectionString: fixture.url,
      applicationName: 'table-pass-timeout',
      statementTimeoutMs: 500,
    });
    try {
      const expensive = issues({ whereSql: 'pg_sleep(0.001) IS NOT NULL' });
      const outcome = await computeTablePass({
        members: [issues(), expensive, issues({ groupBy: col('state') })],
        timeFrame: 'all',
        recordedAt,
        db: short,
      });
      expect(outcome.members[1]).toEqual({ alone: expect.stringMatching(/statement timeout/) });
      expect(valueOf(outcome, 0)).toBe(await groundTruth(issues(), 'all'));
      expect(valueOf(outcome, 2)).toEqual(await groundTruth(issues({ groupBy: col('state') }), 'all'));
    } finally {
      await short.close();
    }
  });

  it('counts an indexed column with gaps, negatives, NULLs and huge values as exactly in a pass as through its value ranges', async () => {
    const scattered = (over: Partial<DatabaseQuery> = {}) => countQuery('scattered', over);
    const author = { operation: 'distinct_count', column: col('author', 'scattered') } as const;
    const outcome = await computeTablePass({
      members: [scattered(), scattered({ ...author, distinctBy: 'bitmap' })],
      timeFrame: 'all',
      recordedAt,
      db,
      targetStatementMs: 1,
    });
    const byRanges = await computeDatabaseValue({
      query: scattered({ ...author, distinctBy: 'value_ranges' }),
      timeFrame: 'all',
      recordedAt,
      db,
    });
    const exact = await groundTruth(scattered(author), 'all');
    expect(valueOf(outcome, 0)).toBe(3000);
    expect(valueOf(outcome, 1)).toBe(exact);
    expect(byRanges.value).toBe(exact);
  });

  it('leaves a misconfigured member out before any statement', async () => {
    const unjoined = issues({ filters: [{ column: col('id', 'users'), op: 'eq', value: 1 }] });
    const outcome = await computeTablePass({
      members: [issues(), unjoined],
      timeFrame: 'all',
      recordedAt,
      db,
    });
    expect(outcome.members[1]).toEqual({ alone: expect.stringContaining('users.id') });
    expect(valueOf(outcome, 0)).toBe(20000);
  });
});
