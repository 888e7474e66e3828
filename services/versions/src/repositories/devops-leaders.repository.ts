import type { Knex } from 'knex';
import type { PerUserValues } from '../scoring/devops-score';
import { refreshUnderLock } from './background-snapshot.repository';

/**
 * Recomputes the DevOps-score leader snapshot (refresh_devops_leader_snapshot() in the
 * migrations) over the instances whose latest ping was received in the `windowDays` before `now`,
 * by one replica at a time (see refreshUnderLock).
 */
export async function refreshLeaderSnapshot(
  db: Knex,
  options: { now: Date; windowDays: number; wait: boolean },
): Promise<boolean> {
  return refreshUnderLock(db, { lockName: 'devops_leader_snapshot', wait: options.wait }, async (trx) => {
    await trx.raw('SELECT refresh_devops_leader_snapshot(?, ?)', [options.now, options.windowDays]);
  });
}

/**
 * The leader candidates a ping of `uuid` is scored against: the snapshot's, without the instance's
 * own (devops_leaders_among_others() in the migrations). One row read, whatever the fleet's size.
 */
export async function leadersAmongOthers(db: Knex, uuid: string): Promise<PerUserValues> {
  const result = await db.raw<{ rows: PerUserValues[] }>('SELECT * FROM devops_leaders_among_others(?)', [
    uuid,
  ]);
  return result.rows[0]!;
}
