import {
  databaseWindow,
  finalValue,
  mergePartials,
  planShards,
  type DatabaseQuery,
  type PartialResult,
  type TimeFrame,
} from '@servping/shared';
import { InstanceDbRepository } from '../../src/repositories/instance-db.repository';
import {
  computeDatabaseMetric,
  computeDatabaseValue,
  databaseRange,
} from '../../src/kinds/database/database-metric';
import { createTestDatabase } from '../support/database-fixture';
import { groundTruthOn } from '../support/ground-truth';
import { countQuery } from '../../../shared/test/support/definitions';

const recordedAt = new Date('2024-03-15T00:00:00Z');
let fixture: Awaited<ReturnType<typeof createTestDatabase>>;
let db: InstanceDbRepository;

beforeAll(async () => {
  fixture = await createTestDatabase('dbmetric');
  await fixture.client.query(`
    CREATE TABLE projects (id bigint PRIMARY KEY, visibility_level int NOT NULL, archived boolean);
    INSERT INTO projects SELECT p, (p % 3) * 10, CASE WHEN p % 7 = 0 THEN NULL ELSE p % 2 = 0 END
      FROM generate_series(1, 60) p;
    CREATE TABLE issues (
      id bigint PRIMARY KEY, author_id bigint, assignee_id bigint, project_id bigint NOT NULL, state text NOT NULL,
      weight int, confidential boolean NOT NULL, created_at timestamptz NOT NULL);
    INSERT INTO issues SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 397 + 1 END, (i * 13) % 9973, i % 60 + 1,
      (ARRAY['opened','closed','locked'])[i % 3 + 1], CASE WHEN i % 4 = 0 THEN NULL ELSE i % 7 END,
      i % 5 = 0, TIMESTAMPTZ '2024-03-15' - (i % 40) * INTERVAL '1 day' - (i % 24) * INTERVAL '1 hour'
      FROM generate_series(1, 20000) i;
    -- Rows on and just outside the 28d window's inclusive edges.
    CREATE TABLE edges (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
    INSERT INTO edges VALUES
      (1, TIMESTAMPTZ '2024-02-14 00:00:00+00'), (2, TIMESTAMPTZ '2024-02-13 23:59:59.999+00'),
      (3, TIMESTAMPTZ '2024-03-13 00:00:00+00'), (4, TIMESTAMPTZ '2024-03-13 00:00:00.001+00');
    -- GitLab's histogram spec: projects with 1, 2 and 1 active integrations.
    CREATE TABLE integrations (id bigint PRIMARY KEY, project_id bigint, created_at timestamptz);
    INSERT INTO integrations VALUES (1, 1, now()), (2, 2, now()), (3, 2, now()), (4, 3, now()), (5, NULL, now());
    -- GitLab's estimate spec: Ci::BuildNeed names '1'..'5'.
    CREATE TABLE ci_build_needs (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz);
    INSERT INTO ci_build_needs SELECT i, i::text, now() FROM generate_series(1, 5) i;
    CREATE TABLE events (id bigint PRIMARY KEY, user_id bigint, created_at timestamptz);
    INSERT INTO events SELECT i, (i * 7919) % 100000, now() FROM generate_series(1, 100000) i;
    CREATE TABLE empty_table (id bigint PRIMARY KEY, weight int, created_at timestamptz);
    -- 1 row an hour for 100 days up to the run: ids grow with time, as serial ids do.
    CREATE TABLE timeline (id bigint PRIMARY KEY, author_id bigint, created_at timestamptz NOT NULL);
    INSERT INTO timeline SELECT i, i % 500 + 1000 * (i / 1200),
      TIMESTAMPTZ '2024-03-15' - (2400 - i) * INTERVAL '1 hour' FROM generate_series(1, 2400) i;
    CREATE INDEX timeline_created_at ON timeline (created_at);
    CREATE TABLE timeline_unindexed AS SELECT * FROM timeline;
    ALTER TABLE timeline_unindexed ADD PRIMARY KEY (id);
    ANALYZE;
  `);
  db = InstanceDbRepository.connect({
    connectionString: fixture.url,
    applicationName: 'database-metric-test',
  });
});

afterAll(async () => {
  await db?.close();
  await fixture?.drop();
});

const groundTruth = groundTruthOn(() => fixture.client, recordedAt);

const issues = (over: Partial<DatabaseQuery>) => countQuery('issues', over);
const col = (column: string, table = 'issues') => ({ table, column });
const projectJoin = { table: 'projects', left: col('project_id'), rightColumn: 'id' };

describe('computeDatabaseValue against the exact unbatched statement', () => {
  const cases: Array<[string, DatabaseQuery, TimeFrame]> = [
    ['count', issues({ batchSize: 1251 }), 'all'],
    ['count 28d', issues({ batchSize: 1251 }), '28d'],
    ['count 7d', issues({ batchSize: 1251 }), '7d'],
    ['count of a nullable column', issues({ column: col('author_id'), batchSize: 1300 }), 'all'],
    [
      'distinct_count',
      issues({ operation: 'distinct_count', column: col('author_id'), batchSize: 1251 }),
      'all',
    ],
    [
      'distinct_count 28d',
      issues({ operation: 'distinct_count', column: col('author_id'), batchSize: 1251 }),
      '28d',
    ],
    ['sum', issues({ operation: 'sum', column: col('weight'), batchSize: 1000 }), 'all'],
    ['sum 7d', issues({ operation: 'sum', column: col('weight'), batchSize: 1000 }), '7d'],
    [
      'average of the author ids',
      issues({ operation: 'average', column: col('author_id'), batchSize: 1000 }),
      'all',
    ],
    ['grouped count', issues({ groupBy: col('state'), batchSize: 1251 }), 'all'],
    [
      'grouped distinct by a joined boolean (NULL key "")',
      issues({
        operation: 'distinct_count',
        column: col('author_id'),
        groupBy: col('archived', 'projects'),
        joins: [projectJoin],
        batchSize: 1251,
      }),
      '28d',
    ],
    [
      'grouped sum',
      issues({ operation: 'sum', column: col('weight'), groupBy: col('state'), batchSize: 1000 }),
      'all',
    ],
    [
      'joins, every filter and where_sql',
      issues({
        operation: 'distinct_count',
        column: col('author_id'),
        joins: [projectJoin],
        filters: [
          { column: col('state'), op: 'ne', value: 'locked' },
          { column: col('visibility_level', 'projects'), op: 'in', value: [10, 20] },
          { column: col('project_id'), op: 'not_in', value: [1, 2, 3] },
          { column: col('weight'), op: 'gte', value: 1 },
          { column: col('weight'), op: 'lt', value: 6 },
          { column: col('archived', 'projects'), op: 'is_not_null' },
          { column: col('confidential'), op: 'eq', value: false },
        ],
        whereSql: 'issues.author_id % 2 = 0 OR issues.author_id > 300',
        batchSize: 1251,
      }),
      '28d',
    ],
    [
      'histogram of issues per author',
      issues({
        operation: 'histogram',
        column: col('author_id'),
        histogram: { lower: 40, upper: 60, bucketCount: 5 },
        batchSize: 1300,
      }),
      'all',
    ],
    ['explicit inclusive start/finish', issues({ start: 101, finish: 5000, batchSize: 1251 }), 'all'],
  ];

  it.each(cases)('%s', async (_name, q, timeFrame) => {
    const exact = await groundTruth(q, timeFrame);
    const { value } = await computeDatabaseValue({ query: q, timeFrame, recordedAt, db });
    if (typeof exact === 'number') expect(value).toBeCloseTo(exact, 9);
    else expect(value).toEqual(exact);
  });

  it('sanity of the table-driven cases: they count something and windows narrow', async () => {
    const all = await groundTruth(issues({}), 'all');
    const monthly = await groundTruth(issues({}), '28d');
    const weekly = await groundTruth(issues({}), '7d');
    expect(all).toBe(20000);
    expect(monthly).toBeGreaterThan(weekly as number);
    expect(weekly).toBeGreaterThan(0);
  });
});

describe('GitLab facts', () => {
  it('28d is BETWEEN now−30d AND now−2d, both edges inclusive', async () => {
    const { value } = await computeDatabaseValue({
      query: countQuery('edges', { batchSize: 1251 }),
      timeFrame: '28d',
      recordedAt,
      db,
    });
    expect(value).toBe(2);
  });

  it.each<[string, number, number | undefined, Record<string, number>]>([
    // GitLab's spec data plus one integration without a project: GitLab's GROUP BY makes it a group of 1.
    [
      'three projects with 1, 2, 1 integrations and one without, buckets 1..100',
      100,
      undefined,
      { '1': 3, '2': 1 },
    ],
    ['one project with 2 integrations, buckets 1..2: at the upper bound', 2, 2, { '2': 1 }],
  ])('histogram: %s', async (_name, bucketCount, onlyProject, expected) => {
    const projectId = col('project_id', 'integrations');
    const q = countQuery('integrations', {
      operation: 'histogram',
      column: projectId,
      histogram: { lower: 1, upper: bucketCount, bucketCount },
      filters: onlyProject === undefined ? [] : [{ column: projectId, op: 'eq', value: onlyProject }],
    });
    const { value } = await computeDatabaseValue({ query: q, timeFrame: 'all', recordedAt, db });
    expect(value).toEqual(expected);
    expect(value).toEqual(await groundTruth(q, 'all'));
  });

  it('estimate in GitLab mode over names "1".."5" is 5.024574181542231', async () => {
    const q = countQuery('ci_build_needs', {
      operation: 'estimate_distinct_count',
      column: col('name', 'ci_build_needs'),
    });
    const out = await computeDatabaseValue({ query: q, timeFrame: 'all', recordedAt, db, hllMode: 'gitlab' });
    expect(out).toEqual({ value: 5.024574181542231 });
  });

  it('average of an empty table is −1 and a count of it is 0 (one batch over [0, 1))', async () => {
    const average = countQuery('empty_table', { operation: 'average', column: col('weight', 'empty_table') });
    await expect(databaseRange(average, db)).resolves.toEqual({ start: 0n, finish: 1n });
    expect((await computeDatabaseValue({ query: average, timeFrame: 'all', recordedAt, db })).value).toBe(-1);
    expect(
      (await computeDatabaseValue({ query: countQuery('empty_table'), timeFrame: 'all', recordedAt, db }))
        .value,
    ).toBe(0);
  });
});

describe('estimate_distinct_count', () => {
  it('is within 2 % of the exact 100 000 distinct users and ships a sketch', async () => {
    const q = countQuery('events', {
      operation: 'estimate_distinct_count',
      column: col('user_id', 'events'),
    });
    const exact = await groundTruth(q, 'all');
    expect(exact).toBe(100000);
    const out = await computeDatabaseValue({ query: q, timeFrame: 'all', recordedAt, db });
    expect(Math.abs((out.value as number) - 100000) / 100000).toBeLessThan(0.02);
    expect(out.sketch?.format).toBe('pg-hashextended-p14-v1');
  });
});

describe('sharding', () => {
  const shardCases: Array<[string, DatabaseQuery]> = [
    ['distinct_count', issues({ operation: 'distinct_count', column: col('assignee_id'), batchSize: 1251 })],
    [
      'bitmap distinct_count',
      issues({
        operation: 'distinct_count',
        column: col('assignee_id'),
        batchSize: 1251,
        distinctBy: 'bitmap',
      }),
    ],
    [
      'grouped bitmap distinct_count',
      issues({
        operation: 'distinct_count',
        column: col('author_id'),
        groupBy: col('state'),
        batchSize: 1251,
        distinctBy: 'bitmap',
      }),
    ],
    ['grouped count', issues({ groupBy: col('state'), batchSize: 1251 })],
    ['average', issues({ operation: 'average', column: col('assignee_id'), batchSize: 1000 })],
    [
      'histogram',
      issues({
        operation: 'histogram',
        column: col('assignee_id'),
        histogram: { lower: 1, upper: 4, bucketCount: 4 },
        batchSize: 1251,
      }),
    ],
    [
      'estimate',
      countQuery('events', {
        operation: 'estimate_distinct_count',
        column: col('user_id', 'events'),
        batchSize: 5000,
      }),
    ],
  ];

  it.each(shardCases)('%s over ≥ 4 shards equals the unsharded result', async (_name, q) => {
    const full = await databaseRange(q, db);
    if (full === 'not_integer') throw new Error('the fixture batches over integer columns');
    const shards = planShards({
      min: full.start,
      max: full.finish - 1n,
      batchSize: q.batchSize!,
      maxShards: 5,
      minBatchesPerShard: 1,
    });
    expect(shards.length).toBeGreaterThanOrEqual(4);
    const partials = await Promise.all(
      shards.map((range) => computeDatabaseMetric({ query: q, timeFrame: '28d', recordedAt, db, range })),
    );
    const sharded = partials.slice(1).reduce<PartialResult>((acc, p) => mergePartials(acc, p), partials[0]!);
    const unsharded = await computeDatabaseMetric({ query: q, timeFrame: '28d', recordedAt, db });
    expect(finalValue(sharded)).toEqual(finalValue(unsharded));
    if (q.operation !== 'estimate_distinct_count')
      expect(finalValue(sharded)).toEqual(await groundTruth(q, '28d'));
  });
});

describe('a 7d/28d batch range narrowed to its window', () => {
  const timeline = (over: Partial<DatabaseQuery> = {}, table = 'timeline') => countQuery(table, over);
  const windowIds = async (timeFrame: TimeFrame, column = 'id') => {
    const window = databaseWindow(recordedAt, timeFrame)!;
    const { rows } = await fixture.client.query<{ min: string; max: string }>(
      `SELECT MIN(${column}) AS min, MAX(${column}) AS max FROM timeline WHERE created_at BETWEEN $1 AND $2`,
      [window.from, window.to],
    );
    return { start: BigInt(rows[0]!.min), finish: BigInt(rows[0]!.max) + 1n };
  };

  it.each<[string, DatabaseQuery, TimeFrame, string]>([
    ['count', timeline(), '28d', 'id'],
    ['count', timeline(), '7d', 'id'],
    [
      'distinct_count over its own column',
      timeline({ operation: 'distinct_count', column: col('author_id', 'timeline') }),
      '28d',
      'author_id',
    ],
  ])('%s, %s: spans only the window’s rows and stays exact', async (_name, q, timeFrame, column) => {
    const window = databaseWindow(recordedAt, timeFrame);
    const range = await databaseRange(q, db, { window });
    expect(range).toEqual(await windowIds(timeFrame, column));
    if (range === 'not_integer') throw new Error('timeline ids are integers');
    expect(Number(range.finish - range.start)).toBeLessThan(2400 / 3);
    const { value } = await computeDatabaseValue({ query: q, timeFrame, recordedAt, db });
    expect(value).toEqual(await groundTruth(q, timeFrame));
  });

  it('walks the whole column when no index starts with the timestamp column, or for all-time metrics', async () => {
    const unindexed = timeline({}, 'timeline_unindexed');
    await expect(
      databaseRange(unindexed, db, { window: databaseWindow(recordedAt, '28d') }),
    ).resolves.toEqual({
      start: 1n,
      finish: 2401n,
    });
    await expect(databaseRange(timeline(), db, { window: null })).resolves.toEqual({
      start: 1n,
      finish: 2401n,
    });
  });

  it('keeps explicit start/finish of the definition', async () => {
    const q = timeline({ start: 10, finish: 20 });
    await expect(databaseRange(q, db, { window: databaseWindow(recordedAt, '28d') })).resolves.toEqual({
      start: 10n,
      finish: 21n,
    });
  });

  it('counts 0 over [0, 1) when no row falls inside the window', async () => {
    const later = new Date('2025-01-01T00:00:00Z');
    const range = await databaseRange(timeline(), db, { window: databaseWindow(later, '28d') });
    expect(range).toEqual({ start: 0n, finish: 1n });
    const { value } = await computeDatabaseValue({
      query: timeline(),
      timeFrame: '28d',
      recordedAt: later,
      db,
    });
    expect(value).toBe(0);
  });
});

describe('shrink-stop', () => {
  it('reports the batch size kept when every batch costs the same whatever its rows', async () => {
    // A database where each batch statement takes 40 ms more than it should, as a plan that
    // ignores the batch range does: halving cannot bring it under the 20 ms target.
    const slow = Object.create(db) as typeof db;
    slow.runBatch = async (sql, params, signal) => {
      const rows = await db.runBatch(sql, params, signal);
      if (sql.includes('OFFSET 0')) await new Promise((resolve) => setTimeout(resolve, 40));
      return rows;
    };
    const q = countQuery('issues', { batchSize: 2_000 });
    const out = await computeDatabaseValue({
      query: q,
      timeFrame: 'all',
      recordedAt,
      db: slow,
      targetStatementMs: 20,
    });
    expect(out).toEqual({ value: 20_000, batchSizeKept: 2_000 });
  });
});
