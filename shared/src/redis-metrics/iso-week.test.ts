import { formatIsoWeek, isoWeek, isoWeekStart } from './iso-week';

describe('isoWeek', () => {
  it.each([
    ['2020-06-01T00:00:00Z', 2020, 23],
    ['2020-05-31T23:59:59Z', 2020, 22],
    ['2020-12-21T12:00:00Z', 2020, 52],
    ['2020-12-28T00:00:00Z', 2020, 53],
    ['2020-12-31T10:00:00Z', 2020, 53],
    ['2021-01-01T00:00:00Z', 2020, 53],
    ['2021-01-03T23:59:59Z', 2020, 53],
    ['2021-01-04T00:00:00Z', 2021, 1],
    ['2019-12-30T00:00:00Z', 2020, 1],
    ['2018-12-31T00:00:00Z', 2019, 1],
    ['2016-01-03T00:00:00Z', 2015, 53],
    ['2024-12-30T00:00:00Z', 2025, 1],
    ['2026-12-31T00:00:00Z', 2026, 53],
    ['2027-01-03T00:00:00Z', 2026, 53],
  ])('%s is %i-W%i', (iso, year, week) => {
    expect(isoWeek(new Date(iso))).toEqual({ year, week });
  });

  it('reads the date in UTC, whatever the time of day', () => {
    expect(isoWeek(new Date('2021-01-03T23:30:00-02:00'))).toEqual({ year: 2021, week: 1 });
  });
});

describe('isoWeekStart', () => {
  it.each([
    ['2020-06-01T15:00:00Z', '2020-06-01T00:00:00.000Z'],
    ['2020-06-07T23:59:59Z', '2020-06-01T00:00:00.000Z'],
    ['2021-01-01T00:00:00Z', '2020-12-28T00:00:00.000Z'],
  ])('%s → %s', (iso, monday) => {
    expect(isoWeekStart(new Date(iso)).toISOString()).toBe(monday);
  });
});

describe('formatIsoWeek', () => {
  it.each([
    [{ year: 2020, week: 3 }, '2020-03'],
    [{ year: 2020, week: 53 }, '2020-53'],
  ])('%j → %s', (week, text) => {
    expect(formatIsoWeek(week)).toBe(text);
  });
});
