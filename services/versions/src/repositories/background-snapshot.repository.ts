import type { Knex } from 'knex';

/** A background job over a whole window of history: not bound by the per-request timeout. */
const SNAPSHOT_TIMEOUT_MS = 15 * 60_000;

/**
 * The advisory locks under which the Versions database's snapshots (the slowest metrics, the
 * DevOps-score leaders) are recomputed in the background, so one replica at a time refreshes each.
 */
export class BackgroundSnapshotRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Runs `refresh` in a transaction under the advisory lock `lockName`, so one replica at a time
   * recomputes a snapshot: with `wait` false a replica that finds the lock taken skips (another one
   * is refreshing) and this returns false; with `wait` true it refreshes after the other one.
   */
  async refreshUnderLock(
    options: { lockName: string; wait: boolean },
    refresh: (trx: Knex.Transaction) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      if (options.wait) {
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [options.lockName]);
      } else {
        const lock = await trx.raw<{ rows: Array<{ locked: boolean }> }>(
          'SELECT pg_try_advisory_xact_lock(hashtext(?)) AS locked',
          [options.lockName],
        );
        if (!lock.rows[0]!.locked) return false;
      }
      await trx.raw(`SET LOCAL statement_timeout = '${SNAPSHOT_TIMEOUT_MS}'`);
      await refresh(trx);
      return true;
    });
  }
}
