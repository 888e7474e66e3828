/**
 * Reads the instance database's cumulative statistics around a mode (`measureDatabaseLoad`).
 *
 * PostgreSQL 15 keeps a backend's table and transaction counters in the backend until it
 * flushes them: at a transaction's end at most once a second, and always when the session
 * closes. So the "after" snapshot is taken only once every session of the mode has closed (the
 * mode closes its pools; `pg_stat_force_next_flush()` would flush only the caller's own session).
 */
import { databaseNameOf } from '@servping/demo';
import { errorText } from '@servping/shared';
import {
  isProductTable,
  loadDelta,
  type LoadOutcome,
  type LoadSnapshot,
  type TableCounters,
} from './database-load';
import { withPgSession } from './pg-session.repository';

export interface LoadUrls {
  /** The instance database, whose per-table views the snapshot reads. */
  instance: string;
  /** A database of the same server that is not the instance's, to watch sessions and read totals. */
  maintenance: string;
}

/** How long the sessions of a finished mode may take to close before the measurement gives up. */
const SESSIONS_CLOSE_TIMEOUT_MS = 30_000;
const POLL_MS = 50;
const APPLICATION = 'servping-bench-load';
/**
 * A closing backend leaves pg_stat_activity before its shutdown hook flushes its counters (PG15
 * runs the activity hook first); the flush follows within microseconds, this margin covers it.
 */
const FLUSH_MARGIN_MS = 300;

/**
 * Runs `mode` and returns what it made the instance database do. The mode must close every
 * connection it opened to the instance before it resolves. A mode that throws throws here; a
 * measurement that fails (a session that never closed) leaves the mode's value with the error.
 */
export async function measureDatabaseLoad<T>(
  urls: LoadUrls,
  mode: () => Promise<T>,
): Promise<{ value: T; load: LoadOutcome }> {
  let before: LoadSnapshot | { error: string };
  try {
    // Sessions closed just before (the previous mode's, `listProductTables`'s) would flush into
    // the window.
    await waitForSessionsToClose(urls);
    before = await readLoadSnapshot(urls);
  } catch (error) {
    before = { error: errorText(error) };
  }
  const value = await mode();
  if ('error' in before) return { value, load: before };
  try {
    await waitForSessionsToClose(urls);
    const after = await readLoadSnapshot(urls);
    // The before snapshot's session is ours in the window: its start is a transaction too
    // (backend start-up reads the catalog in one), its statement another. Totals are read from
    // the maintenance database, and the after snapshot's session is flushed after it read them.
    return { value, load: loadDelta(before, after, 2) };
  } catch (error) {
    return { value, load: { error: errorText(error) } };
  }
}

/** The product tables of the instance (on its search path, `isProductTable`), for the floor mode. */
export async function listProductTables(urls: LoadUrls): Promise<string[]> {
  return Object.keys((await readLoadSnapshot(urls)).tables)
    .filter(isProductTable)
    .sort();
}

/** Totals first, from the maintenance database, so reading the tables adds nothing to them. */
async function readLoadSnapshot(urls: LoadUrls): Promise<LoadSnapshot> {
  const instanceName = databaseNameOf(urls.instance);
  const totals = await withPgSession(urls.maintenance, APPLICATION, (client) =>
    client.query<{ committed: string; rolled_back: string }>(
      `SELECT xact_commit AS committed, xact_rollback AS rolled_back FROM pg_stat_database WHERE datname = $1`,
      [instanceName],
    ),
  );
  const tables = await withPgSession(urls.instance, APPLICATION, (client) =>
    client.query<{ name: string } & Record<keyof TableCounters, string>>(
      `SELECT t.relname AS name, t.seq_scan AS "seqScan", t.seq_tup_read AS "seqTupRead",
              coalesce(t.idx_scan, 0) AS "idxScan", coalesce(t.idx_tup_fetch, 0) AS "idxTupFetch",
              (SELECT coalesce(sum(i.idx_tup_read), 0) FROM pg_stat_user_indexes i WHERE i.relid = t.relid)
                AS "idxTupRead",
              coalesce(io.heap_blks_read, 0) + coalesce(io.idx_blks_read, 0)
                + coalesce(io.toast_blks_read, 0) + coalesce(io.tidx_blks_read, 0) AS "blksRead",
              coalesce(io.heap_blks_hit, 0) + coalesce(io.idx_blks_hit, 0)
                + coalesce(io.toast_blks_hit, 0) + coalesce(io.tidx_blks_hit, 0) AS "blksHit"
       FROM pg_stat_user_tables t JOIN pg_statio_user_tables io USING (relid)
       WHERE t.schemaname = ANY (current_schemas(false))`,
    ),
  );
  const row = totals.rows[0];
  if (!row) throw new Error(`pg_stat_database has no row for ${instanceName}`);
  return {
    committed: Number(row.committed),
    rolledBack: Number(row.rolled_back),
    tables: Object.fromEntries(
      tables.rows.map(({ name, ...counters }) => [
        name,
        Object.fromEntries(
          Object.entries(counters).map(([k, v]) => [k, Number(v)]),
        ) as unknown as TableCounters,
      ]),
    ),
  };
}

/** Polls until no session other than ours is connected to the instance database. */
async function waitForSessionsToClose(urls: LoadUrls): Promise<void> {
  const instanceName = databaseNameOf(urls.instance);
  await withPgSession(urls.maintenance, APPLICATION, async (client) => {
    const deadline = Date.now() + SESSIONS_CLOSE_TIMEOUT_MS;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [instanceName],
      );
      if (rows[0]?.n === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `${rows[0]?.n} sessions still connected to ${instanceName}: its statistics would be partial`,
        );
      }
      await sleep(POLL_MS);
    }
  });
  await sleep(FLUSH_MARGIN_MS);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
