import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { createLogger } from '@servping/runtime';
import type { MetricResult, PlannedMetric, RunFacts } from '@servping/shared';
import { buildAggregator, loadConfig, type Aggregator } from '@servping/aggregator';
import { submitJobId } from '../../src/jobs/submit-job-options';
import { createServpingTestDatabase, deadUrl, nextJobEvent, startVersionsStub } from './test-support';
import { plannedMetric } from '../../../../shared/test/support/definitions';
import { redisUrl } from '@servping/test-servers';

/** The columns of raw_usage_data this test reads back. */
interface RawUsageDataRow {
  run_id: string;
  recorded_at: Date;
  payload: Record<string, unknown> & { database: { version: string } };
  metadata: unknown;
  sent_at: Date | null;
  version_usage_data_id_value: string | null;
  conv_index: unknown;
  submit_attempts: number;
}

const REDIS_URL = redisUrl();
const prefix = `{agg-test-${randomUUID().slice(0, 8)}}`;
const logger = createLogger({ service: 'aggregator', level: 'silent' });

let db: Awaited<ReturnType<typeof createServpingTestDatabase>>;
let pool: Pool;
let redis: Redis;
let flows: FlowProducer;
let aggregateEvents: QueueEvents;
let metricsWorker: Worker;
let metricsRedis: Redis;

// Stands in for the metric workers: this file tests the aggregator, whatever computes the values.
const VALUES: Record<string, number> = { 'counts.a': 3, 'counts.b': 5 };

function aggregatorFor(versionsUrl: string, retryDelaysMs: string): Aggregator {
  return buildAggregator(
    loadConfig({
      SERVPING_DATABASE_URL: db.url,
      INSTANCE_DATABASE_URL: db.url,
      REDIS_URL,
      SERVPING_QUEUE_PREFIX: prefix,
      AGGREGATOR_OPS_PORT: '0',
      VERSIONS_URL: versionsUrl,
      SUBMIT_RETRY_DELAYS_MS: retryDelaysMs,
      AGGREGATOR_STOP_TIMEOUT_MS: '2000',
    }),
    logger,
  );
}

/** The facts the collector's planner fixes for a run (its settings row and instance database). */
const facts: RunFacts = {
  instance: {
    uuid: '00000000-0000-4000-8000-00000000a661',
    hostname: 'gitlab.test',
    version: '17.5.0',
    edition: 'CE',
    installationType: 'source',
    database: { adapter: 'postgresql', version: '15.19', pgSystemId: '7301234567890123456', flavor: null },
    collectedDataCategories: ['standard', 'subscription', 'operational', 'optional'],
  },
  settings: {},
  license: { plan: 'free' },
};

/** The submit job of the run recorded at `recordedAt` (named after the payload's uuid + recorded_at). */
const submitJobOf = (recordedAt: string) => submitJobId({ uuid: facts.instance.uuid, recordedAt });

let runSeq = 0;
/** Records a run like the collector and enqueues its flow; resolves with the run id and recorded_at. */
async function enqueueRun(metrics: PlannedMetric[], deferred: PlannedMetric[]) {
  runSeq += 1;
  const runId = `run-${runSeq}`;
  const recordedAt = new Date(Date.UTC(2024, 5, 3, 10, runSeq)).toISOString();
  await pool.query(
    `INSERT INTO runs (id, state, requested_by, submit, recorded_at, metrics_total) VALUES ($1, 'running', 'cli', true, $2, $3)`,
    [runId, recordedAt, metrics.length + deferred.length],
  );
  await flows.add({
    name: 'aggregate-run',
    queueName: 'aggregate',
    data: { runId, recordedAt, facts, submit: true, deferred },
    opts: { jobId: runId },
    children: metrics.map((metric) => ({
      name: 'compute-metric',
      queueName: 'metrics',
      data: { runId, recordedAt, metric },
      opts: { jobId: `${runId}-${metric.keyPath}`, ignoreDependencyOnFailure: true },
    })),
  });
  return { runId, recordedAt };
}

beforeAll(async () => {
  db = await createServpingTestDatabase('aggregator');
  pool = new Pool({ connectionString: db.url });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  flows = new FlowProducer({ connection: redis, prefix });
  aggregateEvents = new QueueEvents('aggregate', { connection: { url: REDIS_URL }, prefix });
  await aggregateEvents.waitUntilReady();
  metricsRedis = redis.duplicate();
  metricsWorker = new Worker<{ metric: PlannedMetric }, MetricResult>(
    'metrics',
    (job) => {
      const { keyPath } = job.data.metric;
      if (!(keyPath in VALUES)) return Promise.reject(new Error(`worker crashed on ${keyPath}`));
      return Promise.resolve({ keyPath, value: VALUES[keyPath] as number, timeElapsedS: 0.01 });
    },
    { connection: metricsRedis, prefix },
  );
});

afterAll(async () => {
  await metricsWorker.close();
  await metricsRedis.quit();
  await aggregateEvents.close();
  await flows.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await pool.end();
  await db.drop();
});

const metrics = [
  plannedMetric('counts.a', { kind: 'redis_counter', key: 'USAGE_A' }),
  plannedMetric('counts.b', { kind: 'redis_counter', key: 'USAGE_B' }),
  plannedMetric('counts.crashing', { kind: 'redis_counter', key: 'USAGE_C' }),
];
const deferred = [
  plannedMetric('counts.a_plus_b', { kind: 'add', keyPaths: ['counts.a', 'counts.b'] }),
  plannedMetric('counts.old', { kind: 'redis_counter', key: 'USAGE_OLD' }, { status: 'deprecated' }),
];

describe('aggregator', () => {
  it('stores the payload with a fallback for a crashed metric, then retries a 500 and delivers once', async () => {
    const versions = await startVersionsStub([500, 200]);
    const aggregator = aggregatorFor(versions.url, '50');
    await aggregator.start();
    try {
      const delivered = versions.nextCall('/usage_ping_metadata');
      const { runId, recordedAt } = await enqueueRun(metrics, deferred);
      const aggregated = await nextJobEvent(aggregateEvents, runId);
      expect(aggregated.event).toBe('completed');
      const { rawUsageDataId } = JSON.parse(aggregated.detail) as { rawUsageDataId: string };
      expect(await nextJobEvent(aggregateEvents, submitJobOf(recordedAt))).toMatchObject({
        event: 'completed',
      });
      await delivered;

      const { rows } = await pool.query<RawUsageDataRow>('SELECT * FROM raw_usage_data WHERE id = $1', [
        rawUsageDataId,
      ]);
      const row = rows[0]!;
      expect(row.run_id).toBe(runId);
      expect(row.recorded_at.toISOString()).toBe(recordedAt);
      const { uuid, database, ...rest } = row.payload;
      expect(rest).toEqual({
        hostname: 'gitlab.test',
        version: '17.5.0',
        edition: 'CE',
        installation_type: 'source',
        recorded_at: recordedAt,
        settings: { collected_data_categories: 'standard,subscription,operational,optional' },
        license: { plan: 'free' },
        counts: { a: 3, b: 5, crashing: -1, a_plus_b: 8, old: -1000 },
      });
      expect(database).toMatchObject({ adapter: 'postgresql', flavor: null });
      expect(database.version).toMatch(/^15\./);
      expect(row.metadata).toEqual({
        uuid,
        metrics: [
          { name: 'counts.a', time_elapsed: 0.01 },
          { name: 'counts.a_plus_b', time_elapsed: 0 },
          { name: 'counts.b', time_elapsed: 0.01 },
          {
            name: 'counts.crashing',
            time_elapsed: expect.any(Number),
            error: 'worker crashed on counts.crashing',
          },
        ],
      });
      expect(row.sent_at).toBeInstanceOf(Date);
      expect(row.version_usage_data_id_value).toBe('4242');
      expect(row.conv_index).toEqual({ usage_data_id: 4242, leader_issues: 10.2 });
      expect(row.submit_attempts).toBe(1);

      expect(versions.calls.map((c) => `${c.path} ${c.status}`)).toEqual([
        '/usage_data 500',
        '/usage_ping_errors 201',
        '/usage_data 200',
        '/usage_ping_metadata 201',
      ]);
      expect(versions.calls[0]?.body).toEqual(row.payload);
      expect(versions.calls[1]?.body).toMatchObject({
        error: {
          uuid,
          hostname: 'gitlab.test',
          version: '17.5.0',
          message: 'Unsuccessful response code: 500',
        },
      });
      expect(versions.calls[3]?.body).toEqual({ metadata: row.metadata });

      const run = await pool.query('SELECT state, fallbacks, metrics_done FROM runs WHERE id = $1', [runId]);
      expect(run.rows[0]).toEqual({ state: 'finished', fallbacks: 1, metrics_done: 5 });
    } finally {
      await aggregator.stop();
      await versions.close();
    }
  });

  it('re-sends a payload left unsent by a Versions outage when the aggregator restarts', async () => {
    // An hour between retries: only the restart can deliver it within the test.
    const down = aggregatorFor(await deadUrl(), '3600000');
    await down.start();
    let rawUsageDataId: string;
    let recordedAt: string;
    try {
      let runId: string;
      ({ runId, recordedAt } = await enqueueRun(metrics.slice(0, 1), []));
      const aggregated = await nextJobEvent(aggregateEvents, runId);
      rawUsageDataId = (JSON.parse(aggregated.detail) as { rawUsageDataId: string }).rawUsageDataId;
      const attempt = await nextJobEvent(aggregateEvents, submitJobOf(recordedAt), [
        'completed',
        'failed',
        'delayed',
      ]);
      expect(attempt.event).toBe('delayed');
    } finally {
      await down.stop();
    }
    const stored = await pool.query(
      'SELECT sent_at, submit_attempts, last_error FROM raw_usage_data WHERE id = $1',
      [rawUsageDataId],
    );
    expect(stored.rows[0]).toEqual({
      sent_at: null,
      submit_attempts: 1,
      last_error: expect.stringMatching(/^POST \/usage_data failed: /),
    });

    const versions = await startVersionsStub([200]);
    const restarted = aggregatorFor(versions.url, '3600000');
    const sent = nextJobEvent(aggregateEvents, submitJobOf(recordedAt));
    await restarted.start();
    try {
      expect(await sent).toMatchObject({ event: 'completed' });
      const row = await pool.query<Pick<RawUsageDataRow, 'sent_at' | 'version_usage_data_id_value'>>(
        'SELECT sent_at, version_usage_data_id_value FROM raw_usage_data WHERE id = $1',
        [rawUsageDataId],
      );
      expect(row.rows[0]?.sent_at).toBeInstanceOf(Date);
      expect(row.rows[0]?.version_usage_data_id_value).toBe('4242');
      expect(versions.calls.filter((c) => c.path === '/usage_data').map((c) => c.status)).toEqual([200]);
    } finally {
      await restarted.stop();
      await versions.close();
    }
  });

  it('sends nothing while the instance collects only, even a run that asked to submit or a restart', async () => {
    const versions = await startVersionsStub([200]);
    await pool.query(`UPDATE settings SET send_mode = 'collect_only'`);
    const aggregator = aggregatorFor(versions.url, '50');
    await aggregator.start();
    let rawUsageDataId: string;
    let submitJob: string;
    try {
      const { runId, recordedAt } = await enqueueRun(metrics.slice(0, 1), []);
      submitJob = submitJobOf(recordedAt);
      const aggregated = await nextJobEvent(aggregateEvents, runId);
      rawUsageDataId = (JSON.parse(aggregated.detail) as { rawUsageDataId: string }).rawUsageDataId;
      expect(await nextJobEvent(aggregateEvents, submitJob)).toEqual({
        event: 'completed',
        detail: JSON.stringify({ usageDataId: null, skipped: 'collect only' }),
      });
    } finally {
      await aggregator.stop();
    }
    const restarted = aggregatorFor(versions.url, '50');
    await restarted.start();
    try {
      // A restart re-queues unsent payloads (previous test); here the finished job stays as it was.
      const submitQueue = new Queue('aggregate', { connection: redis, prefix });
      expect(await submitQueue.getJobState(submitJob)).toBe('completed');
      await submitQueue.close();
      const row = await pool.query('SELECT sent_at, submit_attempts FROM raw_usage_data WHERE id = $1', [
        rawUsageDataId,
      ]);
      expect(row.rows[0]).toEqual({ sent_at: null, submit_attempts: 0 });
      expect(versions.calls).toEqual([]);
    } finally {
      await restarted.stop();
      await versions.close();
      await pool.query(`UPDATE settings SET send_mode = 'send'`);
      // Back in send mode the next start would deliver it (it asked to submit); not this test's subject.
      await pool.query('DELETE FROM raw_usage_data WHERE id = $1', [rawUsageDataId]);
    }
  });

  it('does not retry a payload Versions refuses with a 4xx', async () => {
    const versions = await startVersionsStub([422]);
    const aggregator = aggregatorFor(versions.url, '50,50');
    await aggregator.start();
    try {
      const { runId, recordedAt } = await enqueueRun(metrics.slice(1, 2), []);
      const aggregated = await nextJobEvent(aggregateEvents, runId);
      const { rawUsageDataId } = JSON.parse(aggregated.detail) as { rawUsageDataId: string };
      const reported = versions.nextCall('/usage_ping_errors');
      expect(await nextJobEvent(aggregateEvents, submitJobOf(recordedAt))).toEqual({
        event: 'failed',
        detail: 'Unsuccessful response code: 422',
      });
      await reported;
      const row = await pool.query(
        'SELECT sent_at, submit_attempts, last_error FROM raw_usage_data WHERE id = $1',
        [rawUsageDataId],
      );
      expect(row.rows[0]).toEqual({
        sent_at: null,
        submit_attempts: 1,
        last_error: 'Unsuccessful response code: 422',
      });
      expect(versions.calls.filter((c) => c.path === '/usage_data')).toHaveLength(1);
    } finally {
      await aggregator.stop();
      await versions.close();
    }
  });
});
