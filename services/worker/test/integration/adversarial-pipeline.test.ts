/**
 * The adversarial instance (`adversarial-instance.ts`) through the real queues: shards planned as
 * the collector plans them (pg_stats quantiles of the batch column), computed by a worker, merged
 * stored by the aggregator and sent to a real Versions. Every value stored on both sides equals
 * plain SQL; estimates are within HLL error; an island-shaped key gets shards that each hold rows;
 * a sum past 2⁶³ keeps its digits from the worker to Versions' table.
 */
import { randomUUID } from 'node:crypto';
import { FlowProducer, QueueEvents, type FlowJob } from 'bullmq';
import { Redis } from 'ioredis';
import { Client, Pool } from 'pg';
import { redisUrl } from '@servping/test-servers';
import {
  withAverageStrategy,
  withDistinctStrategy,
  type MetricDefinition,
  type MetricValue,
  type PlannedMetric,
  type RunFacts,
  type ShardRange,
  type WireTimingsMetadata,
} from '@servping/shared';
import { createServpingTestDatabase, nextJobEvent } from '../../../aggregator/test/integration/test-support';
import { startVersions, type RunningVersions } from '../../../versions/test/integration/versions-harness';
import { InstanceStatsRepository } from '../../../collector/src/repositories/instance-stats.repository';
import { decideShards } from '../../../collector/src/planning/shard-decision';
import {
  RECORDED_AT,
  adversarialDefinitions,
  plainSqlValue,
  queryOf,
  seedAdversarialInstance,
  expectPlainSqlAnswer,
} from '../../../../compute/test/support/adversarial-instance';
import { startWorkerAndAggregator, type RunningPipeline } from '../support/worker-and-aggregator';

const REDIS_URL = redisUrl();
const prefix = `{adversarial-${randomUUID().slice(0, 8)}}`;
const facts: RunFacts = {
  instance: {
    uuid: '00000000-0000-4000-8000-000000000012',
    hostname: 'adversarial.test',
    version: '17.5.0',
    edition: 'CE',
    installationType: 'source',
    database: { adapter: 'postgresql', version: '15', pgSystemId: null, flavor: null },
    collectedDataCategories: ['optional'],
  },
  settings: {},
  license: {},
};

let db: Awaited<ReturnType<typeof createServpingTestDatabase>>;
let client: Client;
let pool: Pool;
let redis: Redis;
let flows: FlowProducer;
let events: QueueEvents;
let pipeline: RunningPipeline;
let versions: RunningVersions;

beforeAll(async () => {
  // One database holds both the instance tables and servping's own (as in jobs-flow.test.ts).
  db = await createServpingTestDatabase('adversarial');
  client = new Client({ connectionString: db.url });
  await client.connect();
  await seedAdversarialInstance(client);
  pool = new Pool({ connectionString: db.url, max: 2 });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  flows = new FlowProducer({ connection: redis, prefix });
  events = new QueueEvents('aggregate', { connection: { url: REDIS_URL }, prefix });
  await events.waitUntilReady();
  versions = await startVersions({}, () => new Date(RECORDED_AT.getTime() + 3_600_000));
  pipeline = await startWorkerAndAggregator({
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    prefix,
    versionsUrl: versions.baseUrl,
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await versions?.close();
  await events?.close();
  await flows?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await pool?.end();
  await client?.end();
  await db?.drop();
});

/**
 * The metric as the collector's planner resolves and shards an all-time metric (`run-planner.ts`):
 * strategies resolved from the catalog, shards from bounds and quantiles. Windowed metrics run
 * unsharded here. A policy of 1 000 rows a shard splits every table of the instance.
 */
async function planned(
  definition: MetricDefinition,
): Promise<{ metric: PlannedMetric; shards?: ShardRange[] }> {
  const { raw: _raw, ...metric } = definition;
  if (definition.timeFrame !== 'all') return { metric };
  const stats = new InstanceStatsRepository(pool);
  const query = queryOf(definition);
  const columnType = await stats.columnType(query.column);
  const resolved = withAverageStrategy(
    withDistinctStrategy(query, {
      columnType,
      indexed: await stats.hasLeadingIndex(query.column),
      windowed: false,
    }),
  );
  const shards = decideShards(
    resolved,
    {
      estimatedRows: await stats.estimatedRows(resolved.table),
      bounds: await stats.batchBounds(resolved),
      ...((await stats.batchQuantiles(resolved))
        ? { quantiles: (await stats.batchQuantiles(resolved))! }
        : {}),
    },
    { rowsPerShard: 1_000, maxShards: 4 },
  );
  const plannedMetric: PlannedMetric = { ...metric, spec: { kind: 'database', query: resolved } };
  return shards ? { metric: plannedMetric, shards } : { metric: plannedMetric };
}

function runFlow(runId: string, metrics: Array<{ metric: PlannedMetric; shards?: ShardRange[] }>): FlowJob {
  const run = { runId, recordedAt: RECORDED_AT.toISOString(), facts };
  return {
    name: 'aggregate-run',
    queueName: 'aggregate',
    data: { ...run, submit: true, deferred: [] },
    opts: { jobId: runId },
    children: metrics.map(({ metric, shards }) => ({
      name: 'compute-metric',
      queueName: 'metrics',
      data: { ...run, metric, ...(shards ? { shards } : {}) },
      opts: { jobId: `${runId}-${metric.keyPath}`, ignoreDependencyOnFailure: true },
      children: shards?.map((range, index) => ({
        name: 'compute-shard',
        queueName: 'shards',
        data: { ...run, metric, range, index },
        opts: { jobId: `${runId}-${metric.keyPath}-shard-${index}`, ignoreDependencyOnFailure: true },
      })),
    })),
  };
}

const valueAt = (payload: Record<string, unknown>, keyPath: string): unknown =>
  keyPath.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], payload);

describe('the adversarial instance through the pipeline with shards', () => {
  it('stores exactly what plain SQL answers, with useful shards on island keys', async () => {
    const definitions = adversarialDefinitions();
    const metrics = await Promise.all(definitions.map(planned));
    const islands = metrics.find((m) => m.metric.keyPath === 'islands.count')!;
    expect(islands.shards?.length).toBeGreaterThanOrEqual(3);
    for (const shard of islands.shards!) {
      const { rows } = await client.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM islands WHERE ref >= $1 AND ref <= $2',
        [shard.start, (BigInt(shard.finish) - 1n).toString()],
      );
      // Equal-row shards of 6 000 rows: none empty, none holding most of the table.
      expect(Number(rows[0]!.n)).toBeGreaterThan(500);
      expect(Number(rows[0]!.n)).toBeLessThan(3_000);
    }
    expect(metrics.filter((m) => m.shards).length).toBeGreaterThanOrEqual(10);

    const runId = 'run-adversarial-1';
    await client.query(
      `INSERT INTO runs (id, state, requested_by, submit, recorded_at) VALUES ($1, 'running', 'cli', true, $2)`,
      [runId, RECORDED_AT],
    );
    await flows.add(runFlow(runId, metrics));
    expect(await nextJobEvent(events, runId)).toMatchObject({ event: 'completed' });
    const { rows } = await client.query<{ payload: Record<string, unknown>; metadata: WireTimingsMetadata }>(
      'SELECT payload, metadata FROM raw_usage_data WHERE run_id = $1',
      [runId],
    );
    const stored = rows[0]!;
    const errors = stored.metadata.metrics.filter((m) => m.error);
    expect(errors).toEqual([]);
    const received = await versionsPayload(facts.instance.uuid);
    for (const definition of definitions) {
      const exact = await plainSqlValue(client, definition);
      for (const [where, payload] of [
        ['raw_usage_data', stored.payload],
        ['versions', received],
      ] as const) {
        const value = valueAt(payload, definition.keyPath) as MetricValue;
        expectPlainSqlAnswer(`${where} ${definition.keyPath}`, definition, value, exact);
      }
    }
    // Independent of the engine's own conversion: PostgreSQL's digits of the sum, in both tables.
    const { rows: sums } = await client.query<{ total: string }>(
      'SELECT SUM(value)::text AS total FROM islands',
    );
    expect(BigInt(sums[0]!.total)).toBeGreaterThan(2n ** 63n);
    expect(valueAt(stored.payload, 'counts.islands_value_sum')).toBe(sums[0]!.total);
    const { rows: atVersions } = await versions.versions.db.raw<{ rows: { total: string }[] }>(
      `SELECT payload #>> '{counts,islands_value_sum}' AS total FROM usage_data WHERE uuid = ?`,
      [facts.instance.uuid],
    );
    expect(atVersions).toEqual([{ total: sums[0]!.total }]);
  });
});

/** The payload Versions stored for `uuid`, once the aggregator's submit job delivered it. */
async function versionsPayload(uuid: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const row = await versions.versions
      .db<{ uuid: string; payload: Record<string, unknown> }>('usage_data')
      .where({ uuid })
      .first();
    if (row) return row.payload;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Versions stored no ping of ${uuid} within 30 s`);
}
