/**
 * Timestamps and dates that JavaScript's Date and PostgreSQL both hold as written. JSON Schema's
 * `date-time` accepts a leap second (`23:59:60`), which Date cannot represent, and `date` accepts
 * year 0000, which PostgreSQL does not have: both reached the database and failed there.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** RFC 3339 with `T` and an explicit offset, years 1970–2199 (a ping from the far future is a bug). */
export function isStorableTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetH = 0, offsetM = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  return (
    year! >= 1970 &&
    year! <= 2199 &&
    isCalendarDay(year!, month!, day!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetH <= 23 &&
    offsetM <= 59 &&
    !Number.isNaN(Date.parse(text))
  );
}

/** `YYYY-MM-DD` of a real calendar day in years 0001–9999. */
export function isStorableDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  return year >= 1 && isCalendarDay(year, month, day);
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}
