/** An ISO-8601 week: `year` is the ISO week-numbering year (strftime %G), `week` 1..53 (%V). */
export interface IsoWeek {
  year: number;
  week: number;
}

const DAY_MS = 86_400_000;

/**
 * The ISO week of `date`, read in UTC (GitLab computes keys from `Time.current` in UTC). The ISO
 * year is the calendar year of the week's Thursday, so 2021-01-01 belongs to 2020-W53.
 */
export function isoWeek(date: Date): IsoWeek {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const isoWeekday = new Date(day).getUTCDay() || 7;
  const thursday = new Date(day + (4 - isoWeekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const dayOfYear = (thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS;
  return { year, week: Math.floor(dayOfYear / 7) + 1 };
}

/** Midnight UTC of the Monday starting the ISO week that contains `date`. */
export function isoWeekStart(date: Date): Date {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const isoWeekday = new Date(day).getUTCDay() || 7;
  return new Date(day - (isoWeekday - 1) * DAY_MS);
}

/** `<YYYY>-<WW>`, GitLab's `%G-%V` key suffix. */
export function formatIsoWeek({ year, week }: IsoWeek): string {
  return `${String(year).padStart(4, '0')}-${String(week).padStart(2, '0')}`;
}
