/**
 * Counting on a hot standby (issue 16): a primary of this file's own, a streaming replica of it
 * made with `pg_basebackup -R`, and INSTANCE_DATABASE_URL pointed at the replica, so the workers
 * and the planner spare the primary. Mid-run the primary takes an ACCESS EXCLUSIVE lock on the
 * counted table; its replay on the standby (max_standby_streaming_delay = 0) cancels the running
 * batch with SQLSTATE 40001, "canceling statement due to conflict with recovery". The worker
 * retries the batch (a transient fault, shared/src/faults) instead of reporting −1: the run is
 * exact, delivered once, and its payload says it counted on a standby and with what replay lag.
 */
import { expect } from '@jest/globals';
import { Client } from 'pg';
import { waitFor } from './support/bounded-wait';
import { type FullStack } from './support/full-stack';
import { startOwnPostgres, startStandby, type OwnPostgres } from './support/own-postgres';
import { startSlowShardedStack } from './support/slow-sharded-stack';

const ROWS = 6_000;
const NOTES = 200;
let primary: OwnPostgres | undefined;
let standby: OwnPostgres | undefined;
let standbyClient: Client | undefined;
let full: FullStack;

beforeAll(async () => {
  primary = await startOwnPostgres('rr-primary');
  // No grace for a conflicting query: the first replayed lock cancels it.
  standby = await startStandby('rr-standby', primary, { max_standby_streaming_delay: '0' });
  // One row in 400 sleeps 0.2 s: a batch of 1300 rows takes ~0.65 s, so batches are running.
  full = await startSlowShardedStack({
    label: 'replica',
    rows: ROWS,
    notes: NOTES,
    sleepEvery: 400,
    sleepS: 0.2,
    servers: { instance: primary.serverUrl },
    readInstanceFrom: standby.serverUrl,
  });
  // The standby has replayed the fixtures before anything counts on it (the database itself
  // appears there only once CREATE DATABASE is replayed, so each try is a new connection).
  const url = `${standby.serverUrl}/${full.env.instanceDb.name}`;
  standbyClient = await waitFor(
    'the standby to replay the fixtures',
    async () => {
      const client = new Client({ connectionString: url });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
        if (rows[0]!.n === NOTES) return client;
      } catch {
        // not replayed yet
      }
      await client.end().catch(() => undefined);
      return undefined;
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
}, 90_000);

/** Scans of the counted tables seen by the server of `client`. */
async function scansOf(client: Client): Promise<number> {
  const { rows } = await client.query<{ scans: number }>(
    `SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0)::int AS scans
       FROM pg_stat_user_tables WHERE relname IN ('issues', 'notes')`,
  );
  return rows[0]!.scans;
}

afterAll(async () => {
  await standbyClient?.end().catch(() => undefined);
  await full?.close();
  await Promise.all([standby?.destroy(), primary?.destroy()]);
});

it('retries a batch cancelled by a recovery conflict and reports the standby with its replay lag', async () => {
  const { env } = full;
  const conflicts = async () =>
    Number(
      (
        await (standbyClient as Client).query<{ confl_lock: string }>(
          'SELECT confl_lock FROM pg_stat_database_conflicts WHERE datname = current_database()',
        )
      ).rows[0]!.confl_lock,
    );
  const before = await conflicts();

  const runId = await full.trigger(true);
  await waitFor(
    'a shard to be counting on the standby',
    async () => ((await env.redis.llen(`${env.prefix}:shards:active`)) >= 1 ? true : undefined),
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  // The lock is WAL-logged; replayed on the standby it cancels whatever reads issues there.
  await waitFor(
    'a counting statement cancelled by a recovery conflict',
    async () => {
      await env.instanceDb.client.query('BEGIN; LOCK TABLE issues IN ACCESS EXCLUSIVE MODE; COMMIT;');
      return (await conflicts()) > before ? true : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 250 },
  );

  const view = await full.waitFinished(runId, 60_000);
  expect(view).toMatchObject({ state: 'finished', error: null, metrics: { fallbacks: 0, pending: 0 } });
  const stored = await env.servpingDb.client.query<{
    counts: unknown;
    database: { replay_lag_seconds: number };
  }>(
    "SELECT payload->'counts' AS counts, payload->'database' AS database FROM raw_usage_data WHERE run_id = $1",
    [runId],
  );
  expect(stored.rows).toEqual([
    {
      counts: { issues: ROWS, notes: NOTES },
      database: expect.objectContaining({ standby: true, replay_lag_seconds: expect.any(Number) }),
    },
  ]);
  const lag = stored.rows[0]!.database.replay_lag_seconds;
  expect(lag).toBeGreaterThanOrEqual(0);
  expect(lag).toBeLessThan(30);
  const delivered = await full.delivered();
  expect(delivered).toHaveLength(1);
  expect(delivered[0]).toMatchObject({ stats: { issues: ROWS, notes: NOTES }, duplicate_count: 0 });
  // The counting went to the standby (its table statistics are its own, not replicated).
  expect(await scansOf(standbyClient as Client)).toBeGreaterThan(0);
}, 90_000);
