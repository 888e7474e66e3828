/**
 * SIGKILL one of two worker processes while it computes shards of a shared table pass (issue #13):
 * `counts.issues` and `counts.issues_id_sum` read the same rows, so one sharded pass computes
 * both. The surviving worker re-runs the orphaned pass shards once their lock expires; both
 * metrics report their exact values once, each from its own job, naming the pass they rode in.
 */
import type { WireTimingsMetadata } from '@servping/shared';
import { waitFor } from './support/bounded-wait';
import { stalledShardJobs } from './support/redis-keys';
import { type FullStack } from './support/full-stack';
import { startSlowShardedStack } from './support/slow-sharded-stack';

const ROWS = 24_000;
let full: FullStack;

beforeAll(async () => {
  // One row in 1500 sleeps a second for each member: every pass shard takes about four seconds.
  full = await startSlowShardedStack({
    label: 'wkpass',
    rows: ROWS,
    notes: 500,
    sleepEvery: 1500,
    sleepS: 1,
    passMate: true,
    env: { WORKER_STALLED_INTERVAL_MS: '2000' },
  });
}, 60_000);

afterAll(async () => {
  await full?.close();
});

it('re-runs the killed worker’s pass shards elsewhere and reports both members exactly once', async () => {
  const { env, stack } = full;
  const runId = await full.trigger(true);
  const activeKey = `${env.prefix}:shards:active`;
  const orphaned = await waitFor(
    'both workers to hold pass shard jobs',
    async () => {
      const active = await env.redis.lrange(activeKey, 0, -1);
      return active.length >= 3 ? active : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  expect(orphaned.every((id) => new RegExp(`^${runId}-p-0-s-\\d+$`).test(id))).toBe(true);
  stack.kill('worker-1', 'SIGKILL');

  const view = await full.waitFinished(runId, 110_000);
  expect(view).toMatchObject({ state: 'finished', error: null, metrics: { fallbacks: 0, pending: 0 } });
  expect(await stalledShardJobs(env.redis, env.prefix, orphaned)).not.toEqual([]);

  const stored = await env.servpingDb.client.query<{ counts: unknown; metadata: WireTimingsMetadata }>(
    "SELECT payload->'counts' AS counts, metadata FROM raw_usage_data WHERE run_id = $1",
    [runId],
  );
  const sum = (ROWS * (ROWS + 1)) / 2;
  expect(stored.rows.map((r) => r.counts)).toEqual([{ issues: ROWS, issues_id_sum: sum, notes: 500 }]);
  const timings = stored.rows[0]!.metadata.metrics.map((m) => [m.name, m.pass]);
  expect(timings).toEqual([
    ['counts.issues', 'issues/all/0'],
    ['counts.issues_id_sum', 'issues/all/0'],
    ['counts.notes', undefined],
  ]);

  const delivered = await full.delivered();
  expect(delivered).toEqual([
    { stats: { issues: ROWS, issues_id_sum: sum, notes: 500 }, duplicate_count: 0 },
  ]);
}, 150_000);
