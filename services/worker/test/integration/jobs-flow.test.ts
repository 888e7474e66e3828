import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FlowProducer, QueueEvents, type FlowJob } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import {
  readUnbatchedValue,
  renderUnbatchedQuery,
  type PlannedMetric,
  type RunFacts,
  type WireTimingsMetadata,
} from '@servping/shared';
// The pipeline test reuses the aggregator's fixtures (migrated servping database, Versions stub).
import {
  createServpingTestDatabase,
  nextJobEvent,
  startVersionsStub,
} from '../../../aggregator/test/integration/test-support';
import { countQuery, plannedMetric } from '../../../../shared/test/support/definitions';
import { redisUrl } from '@servping/test-servers';
import { startWorkerAndAggregator, type RunningPipeline } from '../support/worker-and-aggregator';

const REDIS_URL = redisUrl();
const prefix = `{worker-test-${randomUUID().slice(0, 8)}}`;
const counterKey = `USAGE_WORKER_TEST_${randomUUID().slice(0, 8).toUpperCase()}`;

let db: Awaited<ReturnType<typeof createServpingTestDatabase>>;
let pool: Pool;
let redis: Redis;
let flows: FlowProducer;
let events: QueueEvents;
let pipeline: RunningPipeline;
let versions: Awaited<ReturnType<typeof startVersionsStub>>;

const facts: RunFacts = {
  instance: {
    uuid: '00000000-0000-4000-8000-000000000001',
    hostname: 'worker.test',
    version: '17.5.0',
    edition: 'CE',
    installationType: 'source',
    database: { adapter: 'postgresql', version: '15', pgSystemId: null, flavor: null },
    collectedDataCategories: ['optional'],
  },
  settings: {},
  license: {},
};

beforeAll(async () => {
  db = await createServpingTestDatabase('worker');
  pool = new Pool({ connectionString: db.url });
  await pool.query(
    'CREATE TABLE issues (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())',
  );
  await pool.query('INSERT INTO issues (created_at) SELECT now() FROM generate_series(1, 10)');
  // Authors 1..3 with 2, 3 and 2 issues, and 3 issues without an author: GitLab's histogram
  // counts those 3 as one more group.
  await pool.query('ALTER TABLE issues ADD COLUMN author_id bigint');
  await pool.query('UPDATE issues SET author_id = CASE WHEN id <= 3 THEN NULL ELSE id % 3 + 1 END');
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await redis.set(counterKey, '7');
  flows = new FlowProducer({ connection: redis, prefix });
  events = new QueueEvents('aggregate', { connection: { url: REDIS_URL }, prefix });
  await events.waitUntilReady();
  versions = await startVersionsStub([200]);
  pipeline = await startWorkerAndAggregator({
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    prefix,
    versionsUrl: versions.url,
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await versions?.close();
  await events?.close();
  await flows?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.del(counterKey);
  await redis.quit();
  await pool.end();
  await db.drop();
});

const issuesPerAuthor = countQuery('issues', {
  operation: 'histogram',
  column: { table: 'issues', column: 'author_id' },
  histogram: { lower: 1, upper: 10, bucketCount: 10 },
});

/** A flow as the collector builds it: metric children never block the aggregate parent. */
function runFlow(
  runId: string,
  recordedAt: string,
  metrics: Array<{ metric: PlannedMetric; shards?: number[][] }>,
): FlowJob {
  const run = { runId, recordedAt, facts };
  return {
    name: 'aggregate-run',
    queueName: 'aggregate',
    data: { ...run, submit: true, deferred: [] },
    opts: { jobId: runId },
    children: metrics.map(({ metric, shards }) => ({
      name: 'compute-metric',
      queueName: 'metrics',
      data: {
        ...run,
        metric,
        ...(shards
          ? { shards: shards.map(([start, finish]) => ({ start: String(start), finish: String(finish) })) }
          : {}),
      },
      opts: { jobId: `${runId}-${metric.keyPath}`, ignoreDependencyOnFailure: true },
      children: shards?.map(([start, finish], index) => ({
        name: 'compute-shard',
        queueName: 'shards',
        data: { ...run, metric, range: { start: String(start), finish: String(finish) }, index },
        opts: { jobId: `${runId}-${metric.keyPath}-shard-${index}`, ignoreDependencyOnFailure: true },
      })),
    })),
  };
}

describe('worker and aggregator', () => {
  it('computes a run through the real queues and stores one payload with fallbacks and their errors', async () => {
    const runId = 'run-worker-1';
    const recordedAt = '2024-06-03T10:00:00.000Z';
    await pool.query(
      `INSERT INTO runs (id, state, requested_by, submit, recorded_at) VALUES ($1, 'running', 'cli', true, $2)`,
      [runId, recordedAt],
    );
    const sent = versions.nextCall('/usage_ping_metadata');
    await flows.add(
      runFlow(runId, recordedAt, [
        { metric: plannedMetric('uuid', { kind: 'system', fact: 'uuid' }, { valueType: 'string' }) },
        { metric: plannedMetric('counts.events', { kind: 'redis_counter', key: counterKey }) },
        { metric: plannedMetric('counts.unsupported', { kind: 'unsupported', reason: 'Ruby-only class' }) },
        {
          metric: plannedMetric('counts.issues', { kind: 'database', query: countQuery('issues') }),
          shards: [
            [1, 6],
            [6, 11],
          ],
        },
        {
          metric: plannedMetric('counts.issues_per_author', { kind: 'database', query: issuesPerAuthor }),
          shards: [
            [1, 3],
            [3, 4],
          ],
        },
        {
          metric: plannedMetric('counts.missing_table', {
            kind: 'database',
            query: countQuery('no_such_table'),
          }),
          shards: [[1, 6]],
        },
      ]),
    );
    expect(await nextJobEvent(events, runId)).toMatchObject({ event: 'completed' });
    await sent;

    const { rows } = await pool.query<{
      payload: { uuid: string; counts: Record<string, unknown> };
      metadata: WireTimingsMetadata;
      sent_at: Date | null;
    }>('SELECT payload, metadata, sent_at FROM raw_usage_data WHERE run_id = $1', [runId]);
    expect(rows).toHaveLength(1);
    const { payload, metadata, sent_at } = rows[0]!;
    expect(payload.uuid).toBe(facts.instance.uuid);
    expect(payload.counts).toEqual({
      events: 7,
      unsupported: -1,
      issues: 10,
      // Author groups of 2, 3, 2 issues and the NULL group of 3: buckets 2 and 3, twice each.
      issues_per_author: { '2': 2, '3': 2 },
      missing_table: -1,
    });
    const gitlab = renderUnbatchedQuery(issuesPerAuthor, null);
    const { rows: unbatched } = await pool.query(gitlab.text, gitlab.params as unknown[]);
    expect(readUnbatchedValue(issuesPerAuthor, unbatched)).toEqual(payload.counts.issues_per_author);
    expect(sent_at).toBeInstanceOf(Date);
    const errors = Object.fromEntries(metadata.metrics.map((m) => [m.name, m.error]));
    expect(errors).toEqual({
      uuid: undefined,
      'counts.events': undefined,
      'counts.issues': undefined,
      'counts.issues_per_author': undefined,
      'counts.unsupported': 'Ruby-only class',
      'counts.missing_table': expect.stringMatching(/^shard .*shard-0 failed: .*no_such_table/),
    });
  });
});
