import { CronExpressionParser } from 'cron-parser';
import { scheduleCron } from '@servping/shared';

/** When the weekly run fires next: planning starts somewhere in [earliest, latest]. */
export interface NextRun {
  cron: string;
  earliest: Date;
  latest: Date;
}

/**
 * The next weekly run of the instance `uuid` after `now`: its cron (derived from the uuid, as
 * GitLab's `ServicePingWorker` cron is) fires, then the planner waits a random 0..`splayS` seconds.
 */
export function nextScheduledRun(uuid: string, splayS: number, now: Date): NextRun {
  const cron = scheduleCron(uuid);
  const earliest = CronExpressionParser.parse(cron, { currentDate: now, tz: 'UTC' }).next().toDate();
  return { cron, earliest, latest: new Date(earliest.getTime() + splayS * 1000) };
}
