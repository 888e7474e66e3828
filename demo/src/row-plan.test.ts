import { planRowCounts, plannedTotal } from './row-plan';

describe('planRowCounts', () => {
  it.each([
    [
      100_000,
      { events: 26_000, notes: 20_600, ci_builds: 17_000, issues: 6_000, users: 2_000, clusters: 100 },
    ],
    [
      10_000_000,
      { events: 2_600_000, notes: 2_060_000, ci_builds: 1_700_000, issues: 600_000, ci_runners: 10_000 },
    ],
  ])('spreads %i rows in GitLab-like proportions', (rows, expected) => {
    const plan = planRowCounts(rows);
    expect(plan).toMatchObject(expected);
    expect(plannedTotal(plan)).toBe(rows);
  });

  it('gives every table at least 5 rows so foreign keys have targets', () => {
    const plan = planRowCounts(10);
    expect(Math.min(...Object.values(plan))).toBe(5);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %p rows', (rows) => {
    expect(() => planRowCounts(rows)).toThrow(RangeError);
  });
});
