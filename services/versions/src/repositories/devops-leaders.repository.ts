import type { Knex } from 'knex';
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
