/**
 * An operator's bad day on the databases, one run each, on one stack whose instance and servping
 * databases live on PostgreSQL servers of this file's own (the shared server is never stopped):
 *  1. the workers' backends terminated again and again mid-run (a failover, a pooler restart, a
 *     DBA's cleanup: pg_terminate_backend, 57P01), on shards and on an unsharded metric;
 *  2. the instance PostgreSQL stopped mid-run for longer than the repository's own retries, then
 *     started: statements wait, the jobs fail and BullMQ's attempts finish them;
 *  3. the servping PostgreSQL stopped under the collector and the aggregator until the aggregate
 *     job has failed, then started;
 *  4. the servping database recreated (a reinstall, a restore) while Redis keeps its job history.
 * Each run finishes with every metric equal to plain SQL, no fallback (a fault-free run of this
 * stack has none), one payload and one Versions row, and the processes that took the fault
 * alive and ready.
 */
import { expect } from '@jest/globals';
import { waitFor } from './support/bounded-wait';
import { type FullStack } from './support/full-stack';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres';
import { startSlowShardedStack } from './support/slow-sharded-stack';

const ROWS = 12_000;
const NOTES = 300;
const PIPELINES = 2_500;
let instancePg: OwnPostgres | undefined;
let servpingPg: OwnPostgres | undefined;
let full: FullStack;
/** Every count by plain SQL, read before any fault. */
let truth: Record<string, number>;

beforeAll(async () => {
  [instancePg, servpingPg] = await Promise.all([startOwnPostgres('instance'), startOwnPostgres('servping')]);
  // One row in 500 sleeps 0.25 s: a batch of 1300 rows takes ~0.6 s, a shard ~1.5 s, the
  // unsharded pipelines count ~1.3 s, so faults find statements running.
  full = await startSlowShardedStack({
    label: 'dbfault',
    rows: ROWS,
    notes: NOTES,
    pipelines: PIPELINES,
    sleepEvery: 500,
    sleepS: 0.25,
    servers: { instance: instancePg.serverUrl, servping: servpingPg.serverUrl },
  });
  const { rows } = await full.env.instanceDb.client.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM issues) AS issues, (SELECT count(*)::int FROM notes) AS notes,
            (SELECT count(*)::int FROM pipelines) AS pipelines`,
  );
  truth = rows[0]!;
  expect(truth).toEqual({ issues: ROWS, notes: NOTES, pipelines: PIPELINES });
}, 90_000);

afterAll(async () => {
  await full?.close();
  await Promise.all([instancePg?.destroy(), servpingPg?.destroy()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once shard jobs and a metric job are running (the run is mid-flight). */
function shardsRunning(): Promise<true> {
  const { redis, prefix } = full.env;
  return waitFor(
    'shards and a metric to be running',
    async () =>
      (await redis.llen(`${prefix}:shards:active`)) >= 2 &&
      (await redis.llen(`${prefix}:metrics:active`)) >= 1
        ? true
        : undefined,
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

/**
 * The run finished exact and was delivered once: no fallback, one stored payload with the plain
 * SQL counts, one Versions row for its uuid + recorded_at, every process of `pids` still the
 * same and ready. Returns the stored row.
 */
async function expectExactAndDelivered(runId: string, pids: Record<string, number>) {
  const view = await full.waitFinished(runId, 90_000);
  expect(view).toMatchObject({ state: 'finished', error: null, metrics: { fallbacks: 0, pending: 0 } });
  expect(view.shards).toBeGreaterThanOrEqual(3);
  const stored = await full.env.servpingDb.client.query<{
    id: number;
    uuid: string;
    recorded_at: Date;
    counts: unknown;
  }>(
    `SELECT id::int, payload->>'uuid' AS uuid, recorded_at, payload->'counts' AS counts
       FROM raw_usage_data WHERE run_id = $1`,
    [runId],
  );
  expect(stored.rows).toEqual([
    { id: expect.any(Number), uuid: expect.any(String), recorded_at: expect.any(Date), counts: truth },
  ]);
  const row = stored.rows[0]!;
  const delivered = await waitFor(
    'the payload to reach Versions',
    async () => {
      const { rows } = await full.versionsDb.client.query(
        "SELECT payload -> 'counts' AS stats FROM usage_data WHERE uuid = $1 AND recorded_at = $2",
        [row.uuid, row.recorded_at],
      );
      return rows.length > 0 ? rows : undefined;
    },
    { timeoutMs: 20_000 },
  );
  expect(delivered).toEqual([{ stats: truth }]);
  expect(full.stack.pids).toEqual(pids);
  for (const name of Object.keys(pids)) {
    const ready = await fetch(`${full.stack.opsUrls[name]}/readyz`);
    expect([name, ready.status]).toEqual([name, 200]);
  }
  return row;
}

/** Terminates every worker backend running a statement on the instance database; returns their statements. */
async function terminateWorkerStatements(): Promise<string[]> {
  // pg_terminate_backend in the select list: PostgreSQL may evaluate WHERE terms in any order.
  const { rows } = await full.env.instanceDb.client.query<{ query: string; terminated: boolean }>(
    `SELECT query, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'active'
        AND application_name LIKE 'servping-worker%' AND application_name NOT LIKE '%-cancel'`,
  );
  return rows.filter((r) => r.terminated).map((r) => r.query);
}

it('loses no worker and no value when the workers’ backends are terminated repeatedly mid-run', async () => {
  const pids = { ...full.stack.pids };
  const runId = await full.trigger(true);
  // Rounds 0.7 s apart until both the sharded and the unsharded metric lost statements, at least
  // four rounds: some hit a statement already retried once, none hits every retry of one batch.
  const hit = { issues: 0, pipelines: 0 };
  for (let round = 1; round <= 12; round += 1) {
    const statements = await waitFor(
      'worker statements to terminate',
      async () => {
        const terminated = await terminateWorkerStatements();
        return terminated.length > 0 ? terminated : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    hit.issues += statements.filter((q) => q.includes('"issues"')).length;
    hit.pipelines += statements.filter((q) => q.includes('"pipelines"')).length;
    if (round >= 4 && hit.issues > 0 && hit.pipelines > 0) break;
    await sleep(700);
  }
  expect(hit.issues).toBeGreaterThan(0);
  expect(hit.pipelines).toBeGreaterThan(0);
  await expectExactAndDelivered(runId, pids);
}, 120_000);

it('waits out the instance PostgreSQL stopped mid-run for longer than a statement’s retries', async () => {
  const pids = { ...full.stack.pids };
  const runId = await full.trigger(true);
  await shardsRunning();
  await instancePg!.stop();
  // Down for 9 s: past the repository's ~7 s of retries, so jobs fail and BullMQ retries them.
  await sleep(9_000);
  await instancePg!.start();
  await expectExactAndDelivered(runId, pids);
  // Some job did fail on the outage and was retried (`atm`: attempts made), yet no value is -1.
  const jobKeys = (await full.env.bullKeys()).filter((k) =>
    new RegExp(`:(shards|metrics):${runId}-m-\\d+(-s-\\d+)?$`).test(k),
  );
  expect(jobKeys.length).toBeGreaterThanOrEqual(6);
  const attempts = await Promise.all(jobKeys.map((k) => full.env.redis.hget(k, 'atm')));
  expect(attempts.some((a) => Number(a) > 1)).toBe(true);
}, 150_000);

it('waits out the servping PostgreSQL stopped under the collector and the aggregator', async () => {
  const pids = { ...full.stack.pids };
  const runId = await full.trigger(true);
  await shardsRunning();
  await servpingPg!.stop();
  // Down until the aggregate job found it down at least once: storing the payload must wait.
  const aggregateKey = `${full.env.prefix}:aggregate:${runId}-aggregate`;
  await waitFor(
    'the aggregate job to fail on the stopped database',
    async () => (Number(await full.env.redis.hget(aggregateKey, 'atm')) >= 1 ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  await servpingPg!.start();
  // The test's own servping connection died with the server.
  await full.env.servpingDb.reconnect();
  await expectExactAndDelivered(runId, pids);
}, 150_000);

it('delivers the next run after the servping database is recreated while Redis keeps its history', async () => {
  const { env } = full;
  const before = await env.servpingDb.client.query<{ id: number }>(
    'SELECT min(id)::int AS id FROM raw_usage_data',
  );
  const completedSubmits = await env.redis.zcard(`${env.prefix}:aggregate:completed`);
  expect(completedSubmits).toBeGreaterThanOrEqual(3);

  // A reinstall: the services stop, the database comes back empty, the services start and migrate.
  await full.restart(() => env.servpingDb.recreate());
  const pids = { ...full.stack.pids };
  const runId = await full.trigger(true);
  const row = await expectExactAndDelivered(runId, pids);
  // The new payload took a row id the first lifetime's payload had, which Redis still remembers.
  expect(row.id).toBe(before.rows[0]!.id);
}, 150_000);
