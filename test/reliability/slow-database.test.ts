/**
 * A slow instance database: metrics whose batches outlive a tiny statement_timeout. The engine
 * (the workers' computeMetric over a real read-only InstanceDbRepository) halves the batch on
 * every real SQLSTATE 57014 and retries the same start, so a metric whose rows are slow but
 * countable still comes out exact; only a metric whose single row outlives the timeout falls
 * back to -1, with why in the timings metadata. Every other metric keeps its exact value.
 */
import { expect } from '@jest/globals';
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

interface Batch {
  start: SqlValue | undefined;
  finish: SqlValue | undefined;
  ok: boolean;
}
/** A batch statement's bounds are its first and last key, both included. */
const rowsOf = (b: Batch) => Number(b.finish) - Number(b.start) + 1;

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
    // At least 0.2 ms per row: a 4 000-row batch needs 800 ms or more, ten times the timeout.
    'slow.yml': countOf('counts.slow_notes', 'notes', {
      batch_size: 4000,
      where_sql: "pg_sleep(0.0002)::text = ''",
    }),
    // 200 ms per row: not even a one-row batch fits in 150 ms.
    'stuck.yml': countOf('counts.stuck_notes', 'notes', {
      batch_size: 20000,
      where_sql: "pg_sleep(0.2)::text = ''",
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

it('halves a slow metric’s batches until they fit and counts it exactly; only a metric slower than the timeout per row is -1', async () => {
  const definitions = loadDictionaryOrThrow(await readDictionaryFiles(dict.dir), definitionKinds);
  const batches = new Map<string, Batch[]>();
  const results: MetricResult[] = [];
  for (const metric of definitions) {
    const seen: Batch[] = [];
    batches.set(metric.keyPath, seen);
    const ctx: ComputeContext = {
      recordedAt: new Date('2026-11-20T00:00:00Z'),
      db: {
        runBatch: async (sql, params, signal) => {
          const batch: Batch = { start: params[0], finish: params[1], ok: false };
          seen.push(batch);
          const rows = await instanceDb.runBatch(sql, params, signal);
          batch.ok = true;
          return rows;
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
      targetStatementMs: 50,
    };
    results.push(await computeMetric(metric, ctx));
  }
  const byKey = Object.fromEntries(results.map((r) => [r.keyPath, r]));

  expect(byKey['counts.issues']).toMatchObject({ value: 30000 });
  expect(byKey['counts.notes']).toMatchObject({ value: 4321 });
  expect(byKey['counts.issue_authors']).toMatchObject({ value: 37 });
  for (const key of ['counts.issues', 'counts.notes', 'counts.issue_authors'])
    expect(byKey[key]!.error).toBeUndefined();

  // A timed-out batch restarts at the same start with half the width, until one fits; the walk
  // then goes on from there and the count is exact.
  const slow = batches.get('counts.slow_notes')!.filter((b) => b.finish !== undefined);
  const firstFit = slow.findIndex((b) => b.ok);
  expect(firstFit).toBeGreaterThan(0);
  const retries = slow.slice(0, firstFit + 1);
  expect(new Set(retries.map((b) => String(b.start))).size).toBe(1);
  const widths = retries.map(rowsOf);
  for (let i = 1; i < widths.length; i++) expect(widths[i]).toBe(Math.floor(widths[i - 1]! / 2));
  expect(byKey['counts.slow_notes']).toMatchObject({ value: 4321 });
  expect(byKey['counts.slow_notes']!.error).toBeUndefined();

  // 200 ms a row: halving reaches a one-row batch that still times out, and only then -1.
  const stuck = batches.get('counts.stuck_notes')!.filter((b) => b.finish !== undefined);
  expect(stuck.every((b) => !b.ok)).toBe(true);
  expect(rowsOf(stuck.at(-1)!)).toBe(1);
  expect(byKey['counts.stuck_notes']).toMatchObject({
    value: -1,
    error: expect.stringMatching(/timed out at batch size 1: .*statement timeout/),
  });

  const { payload, metadata } = buildPayload({
    results,
    facts,
    recordedAt: '2026-11-20T00:00:00.000Z',
    license: {},
    definitions,
    permittedCategories: facts.collectedDataCategories,
  });
  expect(payload.counts).toEqual({
    issues: 30000,
    notes: 4321,
    issue_authors: 37,
    slow_notes: 4321,
    stuck_notes: -1,
  });
  expect(metadata.metrics.filter((m) => m.error !== undefined)).toEqual([
    {
      name: 'counts.stuck_notes',
      timeElapsedS: expect.any(Number),
      error: expect.stringMatching(/statement timeout/),
    },
  ]);
  // The pool is still usable: the timeouts left no connection broken or in a transaction.
  await expect(instanceDb.runBatch('SELECT count(*)::int AS n FROM notes', [])).resolves.toEqual([
    { n: 4321 },
  ]);
});
