import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseQuery } from '@servping/shared';
import type { ComputeContext } from '../../src/compute-context';
import { computeMetric } from '../../src/compute-metric';
import { InstanceDbRepository } from '../../src/repositories/instance-db.repository';
import { readDatabaseFacts } from '@servping/runtime';
import { countQuery, plannedMetric } from '../../../shared/test/support/definitions';
import { postgresUrl, testPostgres } from '@servping/test-servers';
import { databaseContext } from '../support/database-context';

// The dispatcher against a real PostgreSQL: database metrics flow through, and a metric deadline
// cancels the running statement instead of only abandoning it.
const dbName = `compute_pg_${randomBytes(6).toString('hex')}`;
const admin = new Client({ ...testPostgres, database: 'test' });
let db: InstanceDbRepository;

const query = (over: Partial<DatabaseQuery>) => countQuery('issues', over);
const planned = plannedMetric;
const context = (extra: Partial<ComputeContext> = {}): ComputeContext => databaseContext(db, extra);

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const setup = new Client({ ...testPostgres, database: dbName });
  await setup.connect();
  await setup.query(
    `CREATE TABLE issues (id bigserial PRIMARY KEY, author_id int, created_at timestamptz NOT NULL)`,
  );
  await setup.query(
    `INSERT INTO issues (author_id, created_at) VALUES (1, now()), (1, now()), (1, now()), (2, now()), (2, now())`,
  );
  await setup.end();
  db = InstanceDbRepository.connect({ connectionString: postgresUrl(dbName) });
});

afterAll(async () => {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

describe('database metrics through the dispatcher', () => {
  it('counts and distinct-counts (GitLab batch_count spec data: 3 issues by A, 2 by B)', async () => {
    const [count, distinct] = await Promise.all([
      computeMetric(planned('counts.issues', { kind: 'database', query: query({}) }), context()),
      computeMetric(
        planned('counts.authors', {
          kind: 'database',
          query: query({ operation: 'distinct_count', column: { table: 'issues', column: 'author_id' } }),
        }),
        context(),
      ),
    ]);
    expect([count.value, count.error]).toEqual([5, undefined]);
    expect([distinct.value, distinct.error]).toEqual([2, undefined]);
  });

  it('an estimate carries its sketch so aggregates can merge it', async () => {
    const result = await computeMetric(
      planned('counts.authors_estimate', {
        kind: 'database',
        query: query({
          operation: 'estimate_distinct_count',
          column: { table: 'issues', column: 'author_id' },
        }),
      }),
      context(),
    );
    expect(result.value).toBe(2);
    expect(result.sketch?.format).toEqual(expect.any(String));
  });

  it('the deadline cancels a slow statement in PostgreSQL and reports -1 with the deadline', async () => {
    const slow = planned('counts.slow', {
      kind: 'database',
      query: query({ whereSql: 'pg_sleep(5) IS NOT NULL' }),
    });
    const result = await computeMetric(slow, context({ deadlineMs: 300 }));
    expect(result).toMatchObject({
      keyPath: 'counts.slow',
      value: -1,
      error: 'deadline exceeded after 0.3 s',
    });
    expect(result.timeElapsedS).toBeLessThan(2);

    // If the statement were only abandoned, its backend would keep sleeping for ~5 s.
    const started = performance.now();
    await expect(waitForNoSleepingBackend()).resolves.toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('readDatabaseFacts', () => {
  it('reads version, system identifier (as exact text) and a plain flavor', async () => {
    const facts = await readDatabaseFacts(admin);
    const { rows } = await admin.query<{ v: string; id: string }>(
      `SELECT current_setting('server_version') AS v, system_identifier::text AS id FROM pg_control_system()`,
    );
    expect(facts).toEqual({
      adapter: 'postgresql',
      version: rows[0]!.v,
      pgSystemId: rows[0]!.id,
      flavor: null,
    });
    expect(facts.pgSystemId).toMatch(/^\d{15,20}$/);
  });
});

/** Polls pg_stat_activity (an event we cannot subscribe to) until no backend of this database sleeps. */
async function waitForNoSleepingBackend(): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await admin.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep%'`,
      [dbName],
    );
    if (rows.length === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
