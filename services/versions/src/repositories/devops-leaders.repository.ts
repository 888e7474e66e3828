import type { BackgroundSnapshotRepository } from './background-snapshot.repository';

/**
 * The DevOps-score leader snapshot that ingest scores new pings against. Its one statement runs in
 * the lock's transaction, so the snapshot lock is all it needs of the database.
 */
export class DevopsLeadersRepository {
  constructor(private readonly snapshots: Pick<BackgroundSnapshotRepository, 'refreshUnderLock'>) {}

  /**
   * Recomputes the DevOps-score leader snapshot (refresh_devops_leader_snapshot() in the
   * migrations) over the instances whose latest ping was received in the `windowDays` before `now`,
   * by one replica at a time (see refreshUnderLock).
   */
  async refreshLeaderSnapshot(options: { now: Date; windowDays: number; wait: boolean }): Promise<boolean> {
    return this.snapshots.refreshUnderLock(
      { lockName: 'devops_leader_snapshot', wait: options.wait },
      async (trx) => {
        await trx.raw('SELECT refresh_devops_leader_snapshot(?, ?)', [options.now, options.windowDays]);
      },
    );
  }
}
