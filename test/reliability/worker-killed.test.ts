/**
 * SIGKILL one of two worker processes while it computes shards of a sharded metric. BullMQ's
 * stalled-job check on the surviving worker re-runs the orphaned shards once their lock expires;
 * the run finishes with the exact count, every shard merged once, and one row everywhere.
 */
import { waitFor } from './support/bounded-wait';
import { stalledShardJobs } from './support/redis-keys';
import { type FullStack } from './support/full-stack';
import { startSlowShardedStack } from './support/slow-sharded-stack';

const ROWS = 24_000;
let full: FullStack;

beforeAll(async () => {
  // One row in 1500 sleeps a second: every shard takes about two seconds.
  full = await startSlowShardedStack({
    label: 'wkill',
    rows: ROWS,
    notes: 500,
    sleepEvery: 1500,
    sleepS: 1,
    env: { WORKER_STALLED_INTERVAL_MS: '2000' },
  });
}, 60_000);

afterAll(async () => {
  await full?.close();
});

it('re-runs the killed worker’s shards elsewhere and reports the exact count once', async () => {
  const { env, stack } = full;
  const runId = await full.trigger(true);
  const activeKey = `${env.prefix}:shards:active`;
  // Both workers busy with shards: the one killed holds some of them.
  const orphaned = await waitFor(
    'both workers to hold shard jobs',
    async () => {
      const active = await env.redis.lrange(activeKey, 0, -1);
      return active.length >= 3 ? active : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  stack.kill('worker-1', 'SIGKILL');

  const view = await full.waitFinished(runId, 110_000);
  expect(view).toMatchObject({ state: 'finished', error: null, metrics: { fallbacks: 0, pending: 0 } });
  expect(view.shards).toBeGreaterThanOrEqual(6);

  // Some shard that was running at the kill was taken over after stalling.
  expect(await stalledShardJobs(env.redis, env.prefix, orphaned)).not.toEqual([]);

  // Every shard finished and its result was merged once into the metric job.
  const shardJobs = (await env.bullKeys()).filter((k) =>
    new RegExp(`:shards:${runId}-m-\\d+-s-\\d+$`).test(k),
  );
  expect(shardJobs).toHaveLength(view.shards);
  const metricJob = shardJobs[0]!.replace(/:shards:(.*)-s-\d+$/, ':metrics:$1');
  expect(await env.redis.hlen(`${metricJob}:processed`)).toBe(view.shards);

  const truth = await env.instanceDb.client.query<{ n: number }>('SELECT count(*)::int AS n FROM issues');
  expect(truth.rows[0]!.n).toBe(ROWS);
  const stored = await env.servpingDb.client.query(
    "SELECT payload->'counts' AS counts FROM raw_usage_data WHERE run_id = $1",
    [runId],
  );
  expect(stored.rows).toEqual([{ counts: { issues: ROWS, notes: 500 } }]);

  const delivered = await full.delivered();
  expect(delivered).toEqual([{ stats: { issues: ROWS, notes: 500 }, duplicate_count: 0 }]);
  const runs = await env.servpingDb.client.query<{ n: number }>('SELECT count(*)::int AS n FROM runs');
  expect(runs.rows[0]!.n).toBe(1);
}, 150_000);
