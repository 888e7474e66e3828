import { percentile, relativeErrorPct, summarizeErrors } from './error-stats';

describe('relativeErrorPct', () => {
  it.each([
    [{ cardinality: 1000, exact: 1000, estimate: 1010 }, 1],
    [{ cardinality: 1000, exact: 1000, estimate: 980 }, 2],
    [{ cardinality: 10, exact: 10, estimate: 10 }, 0],
  ])('%j → %d %', (sample, expected) => {
    expect(relativeErrorPct(sample)).toBeCloseTo(expected, 10);
  });
});

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [Array.from({ length: 20 }, (_, i) => i + 1), 0.95, 19],
    [[7], 0.95, 7],
  ])('%j at %d → %d', (sorted, q, expected) => {
    expect(percentile(sorted, q)).toBe(expected);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 0.95)).toBeNaN();
  });
});

describe('summarizeErrors', () => {
  it('gives mean, p95 and max in percent', () => {
    const samples = [0, 1, 2, 3].map((d) => ({ cardinality: 100, exact: 100, estimate: 100 + d }));
    expect(summarizeErrors(samples)).toEqual({ samples: 4, meanPct: 1.5, p95Pct: 3, maxPct: 3 });
  });
});
