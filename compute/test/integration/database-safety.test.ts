import { Client } from 'pg';
import { CounterConfigError, QueryTimeoutError, type SqlValue } from '@servping/shared';
import { InstanceDbRepository } from '../../src/repositories/instance-db.repository';
import { computeDatabaseValue } from '../../src/kinds/database/database-metric';
import type { InstanceDbPort } from '../../src/ports/instance-db.port';
import { createTestDatabase } from '../support/database-fixture';
import { countQuery } from '../../../shared/test/support/definitions';

const recordedAt = new Date('2024-03-15T00:00:00Z');
let fixture: Awaited<ReturnType<typeof createTestDatabase>>;
const repositories: InstanceDbRepository[] = [];

function connect(statementTimeoutMs?: number): InstanceDbRepository {
  const repository = InstanceDbRepository.connect({
    connectionString: fixture.url,
    applicationName: 'database-safety-test',
    statementTimeoutMs,
  });
  repositories.push(repository);
  return repository;
}

/** Wraps a repository and records every call: the half-open range of each batch, and other round trips by name. */
function recordingBatches(db: InstanceDbPort) {
  const ranges: Array<[SqlValue | undefined, SqlValue | undefined]> = [];
  const otherCalls: string[] = [];
  const recording: InstanceDbPort = {
    runBatch: (sql, params, signal) => {
      ranges.push([params[0], params[1]]);
      return db.runBatch(sql, params, signal);
    },
    columnType: (table, column) => {
      otherCalls.push('columnType');
      return db.columnType(table, column);
    },
    hasLeadingIndex: (column) => {
      otherCalls.push('hasLeadingIndex');
      return db.hasLeadingIndex(column);
    },
    bounds: (statement, signal) => {
      otherCalls.push('bounds');
      return db.bounds(statement, signal);
    },
  };
  return { ranges, otherCalls, recording };
}

beforeAll(async () => {
  fixture = await createTestDatabase('dbsafety');
  await fixture.client.query(`
    CREATE TABLE issues (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO issues (id) SELECT generate_series(1, 30000);
    CREATE SEQUENCE issue_numbers;
    CREATE TABLE users (id bigint PRIMARY KEY);
  `);
});

afterAll(async () => {
  await Promise.all(repositories.map((r) => r.close()));
  await fixture?.drop();
});

describe('statement timeout', () => {
  it('halves 22 000 → 11 000 → … on real SQLSTATE 57014 and finally throws QueryTimeoutError', async () => {
    const { ranges, recording } = recordingBatches(connect(200));
    // pg_sleep per row: every batch with a row outlives the 200 ms statement_timeout. Explicit
    // bounds keep the only statements under test the batches themselves.
    const q = countQuery('issues', {
      batchSize: 22_000,
      start: 1,
      finish: 30_000,
      whereSql: "pg_sleep(1)::text = ''",
    });
    // GitLab's floor (2 × 1 250); servping halves on to a single row, its deadline the only limit.
    const run = computeDatabaseValue({
      query: q,
      timeFrame: 'all',
      recordedAt,
      db: recording,
      hllMode: 'gitlab',
    });
    await expect(run).rejects.toThrow(QueryTimeoutError);
    await expect(run).rejects.toThrow(
      /count batch \[1, 1376\) timed out at batch size 1375: statement timeout/,
    );
    // Bound as inclusive decimal text: [1, 22 001) is $1 = '1', $2 = '22000'.
    expect(ranges).toEqual([
      ['1', '22000'],
      ['1', '11000'],
      ['1', '5500'],
      ['1', '2750'],
      ['1', '1375'],
    ]);
  });
});

describe('metric deadline', () => {
  it('cancels the running statement in PostgreSQL when the signal aborts', async () => {
    const db = connect(60_000);
    const controller = new AbortController();
    const started = performance.now();
    const running = db.runBatch("SELECT pg_sleep(30), 'servping-cancel-probe' AS tag", [], controller.signal);
    // Abort once PostgreSQL reports the statement as running, not after a guessed delay.
    await waitForActiveStatement('servping-cancel-probe');
    controller.abort();
    await expect(running).rejects.toThrow(/statement cancelled at the metric deadline/);
    expect(performance.now() - started).toBeLessThan(10_000);
    await expect(activeStatements('servping-cancel-probe')).resolves.toBe(0);
  });

  it('refuses to start a statement after the deadline', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(connect().runBatch('SELECT 1', [], controller.signal)).rejects.toThrow(QueryTimeoutError);
  });
});

describe('read-only counting role', () => {
  it('fails a where_sql that tries to write', async () => {
    const q = countQuery('issues', { batchSize: 100_000, whereSql: "nextval('issue_numbers') > 0" });
    await expect(
      computeDatabaseValue({ query: q, timeFrame: 'all', recordedAt, db: connect() }),
    ).rejects.toMatchObject({
      code: '25006',
    });
    const { rows } = await fixture.client.query('SELECT last_value, is_called FROM issue_numbers');
    expect(rows[0]).toEqual({ last_value: '1', is_called: false });
  });

  it('fails a direct write through the counting pool', async () => {
    await expect(connect().runBatch('INSERT INTO users VALUES ($1)', [1], undefined)).rejects.toMatchObject({
      code: '25006',
    });
  });
});

describe('identifier injection', () => {
  it.each([
    ['table', countQuery('issues; DROP TABLE users; --')],
    ['column', countQuery('issues', { column: { table: 'issues', column: 'id") FROM users; --' } })],
    ['group column', countQuery('issues', { groupBy: { table: 'issues', column: 'id"::text, (SELECT 1' } })],
  ])('rejects an injected %s before any SQL reaches the database', async (_name, q) => {
    const { ranges, otherCalls, recording } = recordingBatches(connect());
    await expect(
      computeDatabaseValue({ query: q, timeFrame: 'all', recordedAt, db: recording }),
    ).rejects.toThrow(CounterConfigError);
    expect(ranges).toEqual([]);
    expect(otherCalls).toEqual([]);
    const { rows } = await fixture.client.query("SELECT to_regclass('users') IS NOT NULL AS present");
    expect(rows[0]).toEqual({ present: true });
  });
});

async function activeStatements(tag: string): Promise<number> {
  const { rows } = await fixture.client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
    [`%${tag}%`],
  );
  return rows[0]!.n;
}

async function waitForActiveStatement(tag: string): Promise<void> {
  const probe = new Client({ connectionString: fixture.url });
  await probe.connect();
  try {
    // Polls pg_stat_activity: PostgreSQL offers no notification when a statement starts.
    const giveUpAt = performance.now() + 10_000;
    while (performance.now() < giveUpAt) {
      const { rows } = await probe.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()",
        [`%${tag}%`],
      );
      if (rows[0]!.n > 0) return;
    }
    throw new Error(`statement ${tag} never became active`);
  } finally {
    await probe.end();
  }
}
