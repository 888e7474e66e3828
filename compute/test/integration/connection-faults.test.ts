/**
 * The instance database losing connections under the counting repository, on the real server:
 * backends terminated mid-statement (what a failover, a pooler restart or a DBA's cleanup does),
 * a server that is not there, and a statement that is simply wrong. A lost connection fails the
 * statement, never the process (an unhandled 'error' event would fail this file); a transient
 * fault is retried on a fresh connection; a definitive error is not retried.
 */
import { expect } from '@jest/globals';
import { Client } from 'pg';
import { classifyDatabaseError } from '@servping/shared';
import { computeMetric } from '../../src/compute-metric';
import { InstanceDbRepository } from '../../src/repositories/instance-db.repository';
import { databaseContext } from '../support/database-context';
import { createTestDatabase } from '../support/database-fixture';
import { countQuery, plannedMetric } from '../../../shared/test/support/definitions';
import { freePorts } from '@servping/stack';

const ROWS = 20_000;
const MAX_KILLS = 6;
let fixture: Awaited<ReturnType<typeof createTestDatabase>>;
let killer: Client;
const repositories: InstanceDbRepository[] = [];

function connect(applicationName: string, options: { url?: string; delaysMs?: number[] } = {}) {
  const repository = InstanceDbRepository.connect({
    connectionString: options.url ?? fixture.url,
    applicationName,
    transientRetryDelaysMs: options.delaysMs ?? [50, 100, 200, 400],
  });
  repositories.push(repository);
  return repository;
}

/** Terminates the backends of `applicationName` that are running a statement; returns how many. */
async function terminateActive(applicationName: string): Promise<number> {
  // In the select list, not the WHERE clause: PostgreSQL may evaluate WHERE terms in any order.
  const { rows } = await killer.query<{ terminated: boolean }>(
    `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = $1 AND state = 'active'`,
    [applicationName],
  );
  return rows.filter((r) => r.terminated).length;
}

beforeAll(async () => {
  fixture = await createTestDatabase('connfaults');
  await fixture.client.query(`
    CREATE TABLE issues (id bigint PRIMARY KEY);
    INSERT INTO issues SELECT generate_series(1, ${ROWS});
  `);
  killer = new Client({ connectionString: fixture.url });
  await killer.connect();
});

afterAll(async () => {
  await Promise.all(repositories.map((r) => r.close()));
  await killer?.end();
  await fixture?.drop();
});

it('a backend terminated mid-statement fails that statement only; it runs again on a fresh connection', async () => {
  const db = connect('connfaults-single');
  const running = db.runBatch('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.6)', []);
  let terminated = 0;
  while (terminated === 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    terminated = await terminateActive('connfaults-single');
  }
  const [row] = await running;
  expect(row).toEqual({ pid: expect.any(Number) });
  // The pool serves on: the broken connection was dropped, not handed out again.
  await expect(db.runBatch('SELECT 1 AS one', [])).resolves.toEqual([{ one: 1 }]);
});

it('a count whose backends are terminated again and again still equals plain SQL', async () => {
  // More retries than kills: the same batch may be hit by every kill (a slow CI machine makes
  // that likely), and what is under test is that each one is retried, not the retry budget.
  const db = connect('connfaults-count', { delaysMs: Array(MAX_KILLS + 1).fill(50) });
  // One row in 1000 sleeps 0.1 s: each batch of 1300 rows takes 0.1-0.2 s, slow enough to be hit.
  const metric = plannedMetric('counts.issues', {
    kind: 'database',
    query: countQuery('issues', {
      batchSize: 1300,
      whereSql: `id % 1000 <> 0 OR pg_sleep(0.1)::text = ''`,
    }),
  });
  const counting = computeMetric(metric, databaseContext(db));
  let kills = 0;
  let done = false;
  const settle = () => (done = true);
  counting.then(settle, settle);
  // Spaced wider than a batch: each kill lands on another batch (or on its retry) mid-statement.
  while (!done && kills < MAX_KILLS) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    kills += await terminateActive('connfaults-count');
  }
  const result = await counting;
  expect(kills).toBeGreaterThanOrEqual(3);
  // The sleeping rows are counted too (pg_sleep returns void, whose text is '').
  const truth = await fixture.client.query<{ n: number }>('SELECT count(*)::int AS n FROM issues');
  expect(result).toMatchObject({ keyPath: 'counts.issues', value: truth.rows[0]!.n });
  expect(result.error).toBeUndefined();
}, 30_000);

it('a fault that outlasts the retries fails the metric instead of reporting -1', async () => {
  const [port] = await freePorts(1);
  const db = connect('connfaults-down', {
    url: `postgres://root@127.0.0.1:${port}/nothing`,
    delaysMs: [10, 20],
  });
  const failure = await db.runBatch('SELECT 1', []).catch((err: unknown) => err);
  expect(classifyDatabaseError(failure)).toBe('transient');

  const metric = plannedMetric('counts.issues', { kind: 'database', query: countQuery('issues') });
  await expect(computeMetric(metric, databaseContext(db))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

it('a definitive error is not retried and becomes the fallback with its text', async () => {
  // A retry would wait a minute and time the test out.
  const db = connect('connfaults-wrong', { delaysMs: [60_000] });
  await expect(db.runBatch('SELECT nope FROM issues', [])).rejects.toMatchObject({ code: '42703' });
  const metric = plannedMetric('counts.missing', { kind: 'database', query: countQuery('missing_table') });
  const result = await computeMetric(metric, databaseContext(db));
  expect(result).toMatchObject({ value: -1, error: expect.stringContaining('missing_table') });
}, 10_000);
