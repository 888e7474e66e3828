import { databaseWindow, type DatabaseQuery, type JobDataByName, type ShardRange } from '@servping/shared';
import { ADMIN_TOKEN, startHarness, type Harness } from './collector-harness';

let h: Harness;

// One row an hour for 20 000 hours up to now, ids growing with time; the twin has no
// created_at index, so its windows cannot be found without reading every row.
// `authored` and `authored_indexed` are read by one distinct count each, so no other metric's
// statistics stand in for its own and no pass reads their rows.
const TABLES = ['events', 'events_unindexed', 'authored', 'authored_indexed'] as const;

beforeAll(async () => {
  h = await startHarness('window', { SERVPING_SHARD_ROWS: '200' });
  for (const table of TABLES) {
    await h.sql.query(
      `CREATE TABLE ${table} (id bigint PRIMARY KEY, author_id bigint, ref text, created_at timestamptz NOT NULL)`,
    );
    await h.sql.query(
      `INSERT INTO ${table} SELECT g, 7 * g, 'r' || (g % 100), now() - (20000 - g) * INTERVAL '1 hour'
         FROM generate_series(1, 20000) g`,
    );
  }
  await h.sql.query('CREATE INDEX events_created_at ON events (created_at)');
  await h.sql.query('CREATE INDEX events_author_id ON events (author_id)');
  await h.sql.query('CREATE INDEX authored_indexed_author_id ON authored_indexed (author_id)');
  await h.sql.query('ANALYZE events; ANALYZE events_unindexed; ANALYZE authored; ANALYZE authored_indexed');
  for (const [name, table, column] of [
    ['authors', 'authored', 'author_id'],
    ['indexed_authors', 'authored_indexed', 'author_id'],
    ['event_authors', 'events', 'author_id'],
    ['refs', 'events_unindexed', 'ref'],
  ]) {
    await h.writeDefinition(`counts_all/${name}.yml`, {
      key_path: `counts_all.${name}`,
      data_source: 'database',
      options: { operation: 'distinct_count', table, column, batch_size: 2000 },
    });
  }
  for (const table of ['events', 'events_unindexed']) {
    for (const timeFrame of ['all', '28d'] as const) {
      await h.writeDefinition(`counts_${timeFrame}/${table}.yml`, {
        key_path: `counts_${timeFrame}.${table}`,
        time_frame: timeFrame,
        data_source: 'database',
        options: { operation: 'count', table, batch_size: 100 },
      });
    }
  }
});

afterAll(async () => {
  await h?.close();
});

it('plans shards over a 28d window’s ids when an index finds it, and distinct counts of integers over the primary key', async () => {
  const res = await h.fetchAs(ADMIN_TOKEN, '/api/v1/runs', {
    method: 'POST',
    body: JSON.stringify({ submit: false }),
  });
  expect(res.status).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  expect(await h.waitForRunJob(runId)).toBe('completed');

  const aggregate = await h.collector.queues.aggregate.getJob(`${runId}-aggregate`);
  const { recordedAt } = aggregate!.data as JobDataByName['aggregate-run'];
  const window = databaseWindow(new Date(recordedAt), '28d')!;
  const { rows } = await h.sql.query<{ min: string; max: string }>(
    'SELECT MIN(id) AS min, MAX(id) AS max FROM events WHERE created_at BETWEEN $1 AND $2',
    [window.from, window.to],
  );
  // Shard bounds are decimal text (ids reach 2⁶³ − 1, past what a JSON number holds).
  const inWindow = { start: rows[0]!.min, finish: (BigInt(rows[0]!.max) + 1n).toString() };

  const shardsOf: Record<string, ShardRange[] | undefined> = {};
  const queryOf: Record<string, DatabaseQuery> = {};
  const passOf: Record<string, string | undefined> = {};
  for (let i = 0; i < 8; i += 1) {
    const job = await h.collector.queues.metrics.getJob(`${runId}-m-${i}`);
    const { metric, shards, pass } = job!.data as JobDataByName['compute-metric'];
    shardsOf[metric.keyPath] = shards;
    passOf[metric.keyPath] = pass?.jobId;
    if (metric.spec.kind === 'database') queryOf[metric.keyPath] = metric.spec.query;
  }
  const span = (shards: ShardRange[] | undefined) => ({
    start: shards?.[0]?.start,
    finish: shards?.at(-1)?.finish,
  });
  // ~670 rows in the window, 200 per shard: a few shards, all inside the window.
  expect(span(shardsOf['counts_28d.events'])).toEqual(inWindow);
  expect(shardsOf['counts_28d.events']!.length).toBeGreaterThanOrEqual(2);
  // Everything else walks the whole column: 1 .. 20 000.
  for (const keyPath of ['counts_all.events_unindexed', 'counts_28d.events_unindexed'])
    expect(span(shardsOf[keyPath])).toEqual({ start: '1', finish: '20001' });
  // The all-time count of events and the distinct count of its indexed author_id read the same
  // rows: they share one pass, sharded over the ids, the distinct count a bitmap member of it (a
  // walk of its index would read every row again). The pass is sized by the smaller batch_size.
  expect(passOf['counts_all.events']).toBeDefined();
  expect(passOf['counts_all.event_authors']).toBe(passOf['counts_all.events']);
  expect(queryOf['counts_all.event_authors']!.distinctBy).toBe('bitmap');
  const passJob = await h.collector.queues.shards.getJob(passOf['counts_all.events']!);
  const passShards = (passJob!.data as JobDataByName['compute-pass']).shards!;
  expect(span(passShards)).toEqual({ start: '1', finish: '20001' });
  expect(passShards.length).toBeGreaterThanOrEqual(2);

  // A distinct count of an integer column is planned as a bitmap over the primary key, and the
  // job carries that choice; a text column keeps GitLab's ranges of its own values, unsharded.
  // The shards span the ids 1..20 000, not the author ids 7..140 000.
  expect(queryOf['counts_all.authors']!.distinctBy).toBe('bitmap');
  expect(span(shardsOf['counts_all.authors'])).toEqual({ start: '1', finish: '20001' });
  // Alone, a bare count of an indexed integer column keeps GitLab's ranges: an index-only scan each.
  expect(queryOf['counts_all.indexed_authors']!.distinctBy).toBe('value_ranges');
  expect(passOf['counts_all.indexed_authors']).toBeUndefined();
  expect(span(shardsOf['counts_all.indexed_authors'])).toEqual({ start: '7', finish: '140001' });
  expect(queryOf['counts_all.refs']!.distinctBy).toBe('value_ranges');
  expect(shardsOf['counts_all.refs']).toBeUndefined();
});
