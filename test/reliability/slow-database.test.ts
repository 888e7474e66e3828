/**
 * A slow instance database: one metric whose batches outlive a tiny statement_timeout. The engine
 * (the workers' computeMetric over a real read-only InstanceDbRepository) halves the batch on
 * every real SQLSTATE 57014, falls back to -1 when the batch cannot shrink further, records why in
 * the timings metadata, and every other metric of the dictionary keeps its exact value.
 */
import { Redis } from 'ioredis';
import { readDictionaryFiles } from '@servping/runtime';
import {
  buildPayload,
  loadDictionaryOrThrow,
  type InstanceFacts,
  type MetricResult,
  type SqlValue,
} from '@servping/shared';
import {
  computeMetric,
  createRedisUsageReader,
  InstanceDbRepository,
  type ComputeContext,
  definitionKinds,
} from '@servping/compute';
import { REDIS_URL } from './support/collector-process';
import { countOf, definition, dictionaryDir, type DictionaryDir } from './support/dictionary-files';
import { createTempDatabase, type TempDatabase } from './support/temp-database';

const STATEMENT_TIMEOUT_MS = 150;
let db: TempDatabase;
let dict: DictionaryDir;
let instanceDb: InstanceDbRepository;
let redis: Redis;

const facts: InstanceFacts = {
  uuid: 'slow-db-instance',
  hostname: 'slow.example.com',
  version: '17.0.1',
  edition: 'CE',
  installationType: 'servping',
  database: { adapter: 'postgresql', version: '15', pgSystemId: null, flavor: null },
  collectedDataCategories: ['standard', 'subscription', 'operational', 'optional'],
};

beforeAll(async () => {
  db = await createTempDatabase('slowdb');
  await db.client.query(`
    CREATE TABLE issues (id bigint PRIMARY KEY, author_id bigint NOT NULL);
    INSERT INTO issues SELECT g, g % 37 FROM generate_series(1, 30000) g;
    CREATE TABLE notes (id bigint PRIMARY KEY);
    INSERT INTO notes SELECT generate_series(1, 4321);
  `);
  dict = await dictionaryDir('slowdb');
  await dict.write({
    'issues.yml': countOf('counts.issues', 'issues'),
    'notes.yml': countOf('counts.notes', 'notes'),
    'authors.yml': definition({
      key_path: 'counts.issue_authors',
      data_source: 'database',
      options: { operation: 'distinct_count', table: 'issues', column: 'author_id' },
    }),
    // 0.2 ms per row: a 20 000-row batch needs 4 s, a 1 250-row one still 250 ms > 150 ms.
    'slow.yml': countOf('counts.slow_issues', 'issues', {
      batch_size: 20000,
      where_sql: "pg_sleep(0.0002)::text = ''",
    }),
  });
  instanceDb = InstanceDbRepository.connect({
    connectionString: db.url,
    applicationName: 'reliability-slow-db',
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
  });
  redis = new Redis(REDIS_URL, { lazyConnect: true });
});

afterAll(async () => {
  await instanceDb?.close();
  redis?.disconnect();
  await dict?.destroy();
  await db?.drop();
});

it('halves the slow metric’s batches down to the floor, reports it as -1 with its error, and keeps every other value exact', async () => {
  const definitions = loadDictionaryOrThrow(await readDictionaryFiles(dict.dir), definitionKinds);
  const batches = new Map<string, Array<SqlValue | undefined>[]>();
  const results: MetricResult[] = [];
  for (const metric of definitions) {
    const seen: Array<SqlValue | undefined>[] = [];
    batches.set(metric.keyPath, seen);
    const ctx: ComputeContext = {
      recordedAt: new Date('2026-11-20T00:00:00Z'),
      db: {
        runBatch: (sql, params, signal) => {
          seen.push([params[0], params[1]]);
          return instanceDb.runBatch(sql, params, signal);
        },
        columnType: (table, column) => instanceDb.columnType(table, column),
        hasLeadingIndex: (column) => instanceDb.hasLeadingIndex(column),
        bounds: (statement, signal) => instanceDb.bounds(statement, signal),
      },
      usage: createRedisUsageReader(redis),
      facts,
      settings: {},
      license: {},
      deadlineMs: 30_000,
    };
    results.push(await computeMetric(metric, ctx));
  }
  const byKey = Object.fromEntries(results.map((r) => [r.keyPath, r]));

  expect(byKey['counts.issues']).toMatchObject({ value: 30000 });
  expect(byKey['counts.notes']).toMatchObject({ value: 4321 });
  expect(byKey['counts.issue_authors']).toMatchObject({ value: 37 });
  for (const key of ['counts.issues', 'counts.notes', 'counts.issue_authors'])
    expect(byKey[key]!.error).toBeUndefined();

  // Every timed-out batch restarts at the same offset with half the size, until the floor.
  const slow = batches.get('counts.slow_issues')!;
  const sizes = slow.map(([start, finish]) => Number(finish) - Number(start));
  expect(slow.every(([start]) => start === 1)).toBe(true);
  expect(sizes).toEqual([20000, 10000, 5000, 2500, 1250]);
  expect(byKey['counts.slow_issues']).toMatchObject({
    value: -1,
    error: expect.stringMatching(/timed out at batch size 1250: statement timeout/),
  });

  const { payload, metadata } = buildPayload({
    results,
    facts,
    recordedAt: '2026-11-20T00:00:00.000Z',
    license: {},
    definitions,
    permittedCategories: facts.collectedDataCategories,
  });
  expect(payload.counts).toEqual({ issues: 30000, notes: 4321, issue_authors: 37, slow_issues: -1 });
  expect(metadata.metrics.filter((m) => m.error !== undefined)).toEqual([
    {
      name: 'counts.slow_issues',
      timeElapsedS: expect.any(Number),
      error: expect.stringMatching(/statement timeout/),
    },
  ]);
  // The pool is still usable: the timeouts left no connection broken or in a transaction.
  await expect(instanceDb.runBatch('SELECT count(*)::int AS n FROM notes', [])).resolves.toEqual([
    { n: 4321 },
  ]);
});
