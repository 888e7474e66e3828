import type { TimeFrame } from '../definitions/types';

/** An inclusive timestamp window: `timestamp_column BETWEEN from AND to`. */
export interface DatabaseWindow {
  from: Date;
  to: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Days before `recordedAt` where each windowed time frame starts and ends. The end lags two days
 * behind the run (GitLab's `Gitlab::Usage::TimeFrame`, MR 42972: "skewed for batch counter
 * performance"), so rows still being written are never counted.
 */
const WINDOW_DAYS: Readonly<Record<'7d' | '28d', { fromDaysAgo: number; toDaysAgo: number }>> = {
  '28d': { fromDaysAgo: 30, toDaysAgo: 2 },
  '7d': { fromDaysAgo: 9, toDaysAgo: 2 },
};

/**
 * The timestamp window a database metric of `timeFrame` filters on, relative to the run's fixed
 * clock `recordedAt`: 28d = recordedAt−30d … recordedAt−2d, 7d = recordedAt−9d … recordedAt−2d,
 * both ends inclusive; `all` and `none` have no window (null). Days are 86 400 000 ms (UTC), as
 * GitLab computes `30.days.ago` in UTC.
 */
export function databaseWindow(recordedAt: Date, timeFrame: TimeFrame): DatabaseWindow | null {
  if (timeFrame === 'all' || timeFrame === 'none') return null;
  const days = WINDOW_DAYS[timeFrame];
  const now = recordedAt.getTime();
  return { from: new Date(now - days.fromDaysAgo * DAY_MS), to: new Date(now - days.toDaysAgo * DAY_MS) };
}
