import { formatIsoWeek, isoWeek, type IsoWeek } from './iso-week';

/**
 * Every unique-user key shares the `{hll_counters}` hash tag, so a PFCOUNT over many events and
 * weeks stays in one Redis Cluster slot (GitLab's REDIS_SLOT since it dropped per-event slots).
 */
export const HLL_REDIS_SLOT = 'hll_counters';

/** Weekly keys live six weeks: long enough for a 28d window read late in the following week. */
export const HLL_KEY_EXPIRY_S = 6 * 7 * 24 * 60 * 60;

/** The weekly key an event tracked at `at` is written to: `{hll_counters}_<event>-<YYYY>-<WW>`. */
export function hllKey(event: string, at: Date): string {
  return hllWeekKey(event, isoWeek(at));
}

/** The key of `event` for one ISO week. */
export function hllWeekKey(event: string, week: IsoWeek): string {
  return `{${HLL_REDIS_SLOT}}_${event}-${formatIsoWeek(week)}`;
}
