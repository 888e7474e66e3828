/**
 * Redis drops every connection of both worker processes and the aggregator, twice, while shards
 * are running. ioredis reconnects, BullMQ resumes (locks renewed, results moved), and the run
 * finishes with the exact values and one row everywhere.
 */
import { waitFor } from './support/bounded-wait';
import { type FullStack } from './support/full-stack';
import { startSlowShardedStack } from './support/slow-sharded-stack';
import { killRedisConnectionsOf } from './support/redis-keys';

const ROWS = 12_000;
let full: FullStack;

beforeAll(async () => {
  full = await startSlowShardedStack({
    label: 'rblip',
    rows: ROWS,
    notes: 700,
    sleepEvery: 1000,
    sleepS: 0.5,
  });
}, 60_000);

afterAll(async () => {
  await full?.close();
});

it('finishes the run with exact values after the workers’ Redis connections are dropped twice mid-run', async () => {
  const { env, stack } = full;
  const runId = await full.trigger(true);
  await waitFor(
    'shards to be running',
    async () => ((await env.redis.llen(`${env.prefix}:shards:active`)) >= 2 ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  const pids = ['worker-1', 'worker-2', 'aggregator'].map((name) => stack.pids[name]!);
  const firstBlip = await killRedisConnectionsOf(env.redis, pids);
  // Second blip once the clients are back: the reconnected connections are dropped too.
  const secondBlip = await waitFor(
    'the clients to reconnect and be dropped again',
    async () => {
      const killed = await killRedisConnectionsOf(env.redis, pids);
      return killed >= 6 ? killed : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 200 },
  );
  // Each worker holds at least three connections (counters, metrics, shards), BullMQ more.
  expect(firstBlip).toBeGreaterThanOrEqual(6);
  expect(secondBlip).toBeGreaterThanOrEqual(6);

  const view = await full.waitFinished(runId, 60_000);
  expect(view).toMatchObject({ state: 'finished', error: null, metrics: { fallbacks: 0, pending: 0 } });
  const stored = await env.servpingDb.client.query(
    "SELECT payload->'counts' AS counts FROM raw_usage_data WHERE run_id = $1",
    [runId],
  );
  expect(stored.rows).toEqual([{ counts: { issues: ROWS, notes: 700 } }]);
  const delivered = await full.delivered();
  expect(delivered).toEqual([{ stats: { issues: ROWS, notes: 700 }, duplicate_count: 0 }]);
  for (const name of ['worker-1', 'worker-2', 'aggregator']) {
    const health = await fetch(`${stack.opsUrls[name]}/readyz`);
    expect([name, health.status]).toEqual([name, 200]);
  }
}, 120_000);
