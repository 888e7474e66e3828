import { bindBatch, buildBatchStatement, type DatabaseQuery } from '@servping/shared';
import { createTestDatabase } from '../support/database-fixture';
import { countQuery } from '../../../shared/test/support/definitions';

/**
 * Issue #13: `counts.service_desk_issues` (issues JOIN users WHERE users.user_type = 1). The one
 * bot user wrote a quarter of all issues while an average author wrote ~8, so an unfenced batch
 * is planned as "the bot user, then its issues through the author index, filtered by id": it
 * reads every bot issue whatever the batch size. Fenced, the batch range drives the plan.
 */
const ISSUES = 200_000;
const BOT_ISSUES = ISSUES / 4;
const BATCH = { start: 1n, end: 10_001n };
const BATCH_ROWS = Number(BATCH.end - BATCH.start);

const serviceDeskIssues: DatabaseQuery = countQuery('issues', {
  joins: [{ table: 'users', left: { table: 'issues', column: 'author_id' }, rightColumn: 'id' }],
  filters: [{ column: { table: 'users', column: 'user_type' }, op: 'eq', value: 1 }],
});

/** The batch statement as it was before the fence: the range as a plain condition. */
const UNFENCED = `SELECT COUNT("issues"."id") AS value FROM "issues"
JOIN "users" ON "issues"."author_id" = "users"."id"
WHERE "users"."user_type" = $3 AND "issues"."id" >= $1 AND "issues"."id" <= $2`;

let fixture: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  fixture = await createTestDatabase('fenced');
  await fixture.client.query(`
    CREATE TABLE users (id bigint PRIMARY KEY, user_type smallint);
    INSERT INTO users SELECT u, CASE WHEN u = 1 THEN 1 END FROM generate_series(1, 25000) u;
    CREATE INDEX index_users_on_user_type ON users (user_type);
    CREATE TABLE issues (id bigint PRIMARY KEY, author_id bigint NOT NULL, title text);
    INSERT INTO issues SELECT i, CASE WHEN i % 4 = 0 THEN 1 ELSE 2 + i % 24999 END, md5(i::text)
      FROM generate_series(1, ${ISSUES}) i;
    CREATE INDEX index_issues_on_author_id ON issues (author_id);
    ANALYZE;
  `);
});

afterAll(async () => {
  await fixture?.drop();
});

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows the statement's scans of `table` read: returned plus filtered out, over every loop. */
async function rowsRead(
  text: string,
  values: unknown[],
  table: string,
): Promise<{ rows: number; value: number }> {
  const { rows } = await fixture.client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>({
    text: `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`,
    values,
  });
  const walk = (node: PlanNode): number =>
    (node['Relation Name'] === table
      ? (node['Actual Rows'] +
          (node['Rows Removed by Filter'] ?? 0) +
          (node['Rows Removed by Index Recheck'] ?? 0)) *
        node['Actual Loops']
      : 0) + (node.Plans ?? []).reduce((sum, child) => sum + walk(child), 0);
  const { rows: counted } = await fixture.client.query<{ value: string }>({ text, values });
  return { rows: walk(rows[0]!['QUERY PLAN'][0].Plan), value: Number(counted[0]!.value) };
}

describe('a batch statement through a selective join', () => {
  it('reads the rows of its batch range when fenced, not every row the join selects', async () => {
    const fenced = buildBatchStatement(serviceDeskIssues, null);
    const values = bindBatch(fenced, BATCH.start, BATCH.end);
    const before = await rowsRead(UNFENCED, values, 'issues');
    const after = await rowsRead(fenced.text, values, 'issues');

    // Same answer: the bot's issues in [1, 10 000].
    expect(after.value).toBe(BATCH_ROWS / 4);
    expect(before.value).toBe(after.value);
    // Unfenced, the plan walked all of the bot's issues; fenced, the batch's rows and no more.
    expect(before.rows).toBeGreaterThanOrEqual(BOT_ISSUES);
    expect(after.rows).toBeLessThanOrEqual(BATCH_ROWS);
  });
});
