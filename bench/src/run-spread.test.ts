import { sequentialLoad } from '../test/support/database-load-fixture';
import { spreadOf, spreadOfRuns } from './run-spread';

describe('spreadOf', () => {
  it.each([
    [[21_700, 9_200, 32_100], { runs: 3, median: 21_700, min: 9_200, max: 32_100, maxOverMin: 3.49 }],
    [[4, 1, 3, 2], { runs: 4, median: 2.5, min: 1, max: 4, maxOverMin: 4 }],
    [[5], { runs: 1, median: 5, min: 5, max: 5, maxOverMin: 1 }],
    [[0, 2], { runs: 2, median: 1, min: 0, max: 2, maxOverMin: null }],
  ])('%j → %j', (values, expected) => {
    expect(spreadOf(values)).toEqual(expected);
  });

  it('is null without values', () => {
    expect(spreadOf([])).toBeNull();
  });
});

describe('spreadOfRuns', () => {
  it('takes load figures only from the runs that measured their load', () => {
    const spread = spreadOfRuns([
      { wallMs: 3_000, longestStatementMs: 400, load: sequentialLoad(100) },
      { wallMs: 1_000, longestStatementMs: 900, load: { error: 'sessions still connected' } },
      { wallMs: 2_000, longestStatementMs: 500, load: sequentialLoad(300) },
    ]);
    expect(spread.wallMs).toMatchObject({ runs: 3, median: 2_000, min: 1_000, max: 3_000 });
    expect(spread.rowsRead).toMatchObject({ runs: 2, median: 200, min: 100, max: 300, maxOverMin: 3 });
    expect(spread.transactions).toMatchObject({ runs: 2, median: 40 });
    expect(spread.longestStatementMs).toMatchObject({ max: 900 });
  });
});
