import { ServpingError } from '../errors';
import { isoWeek, isoWeekStart, type IsoWeek } from './iso-week';
import { hllWeekKey } from './hll-key';

/** Time frames a unique-user count can cover; `all` has no weekly keys to read. */
export type RedisWindow = '7d' | '28d';

const WEEKS_PER_WINDOW: Readonly<Record<RedisWindow, number>> = { '7d': 1, '28d': 4 };
const WEEK_MS = 7 * 86_400_000;

/**
 * The ISO weeks a `window` read at `recordedAt` covers, oldest first: the previous 1 (7d) or 4
 * (28d) complete ISO weeks. The week containing `recordedAt` is never counted because it is still
 * being written (GitLab's keys_for_aggregation ends at the Sunday before the current week).
 */
export function windowWeeks(recordedAt: Date, window: RedisWindow): IsoWeek[] {
  const monday = isoWeekStart(recordedAt).getTime();
  const count = WEEKS_PER_WINDOW[window];
  const weeks: IsoWeek[] = [];
  for (let back = count; back >= 1; back--) weeks.push(isoWeek(new Date(monday - back * WEEK_MS)));
  return weeks;
}

/** Narrows a definition's time frame to a Redis window; `all`/`none` cannot be read from weekly keys. */
export function toRedisWindow(timeFrame: string): RedisWindow {
  if (timeFrame === '7d' || timeFrame === '28d') return timeFrame;
  throw new ServpingError(
    'SERVPING_UNSUPPORTED_METRIC',
    `time frame '${timeFrame}' is not allowed for Redis unique counts (only 7d and 28d)`,
  );
}

/** Every weekly key of every event in the window: the argument list of one PFCOUNT (a union). */
export function windowKeys(events: readonly string[], recordedAt: Date, window: RedisWindow): string[] {
  const weeks = windowWeeks(recordedAt, window);
  return events.flatMap((event) => weeks.map((week) => hllWeekKey(event, week)));
}
