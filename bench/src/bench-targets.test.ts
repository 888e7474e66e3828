import { checkTargets } from './bench-targets';
import { spreadOf } from './run-spread';

describe('checkTargets', () => {
  const servping = {
    wallMs: spreadOf([9_200, 21_700, 32_100]),
    rowsRead: spreadOf([12_900_000]),
    rowsVisited: spreadOf([15_000_000]),
    longestStatementMs: spreadOf([400, 1_200]),
    agreement: [
      { compared: 109, mismatched: 0 },
      { compared: 109, mismatched: 0 },
    ],
  };

  it("judges the 2·10⁶ attempt's figures: every target but agreement missed", () => {
    const checks = checkTargets({
      naive: { wallMs: 11_600 },
      gitlab: { wallMs: 47_800 },
      floor: { rowsRead: 260_000, rowsVisited: 2_000_000 },
      servping,
    });
    expect(checks).toEqual([
      {
        target: "servping ≤ 0.5× naive's wall time",
        status: 'missed',
        figures: '21.7 s (median) / 11.6 s = 1.87×',
      },
      {
        target: "servping ≤ 0.1× GitLab's wall time",
        status: 'missed',
        figures: '21.7 s (median) / 47.8 s = 0.45×',
      },
      {
        target: "rows read by servping ≤ 2× the floor's",
        status: 'missed',
        figures:
          'rows visited 15.00 M (median) / 2.00 M = 7.50×; seq_tup_read + idx_tup_fetch 12.90 M (median) / 0.26 M = 49.62×',
      },
      {
        target: 'no statement over 1.0 s',
        status: 'missed',
        figures: 'longest sampled ≥ 1200 ms (worst of 2 runs)',
      },
      {
        target: "every exact value equals naive's",
        status: 'met',
        figures: '2 runs, 109 metrics compared each, 0 mismatched',
      },
    ]);
  });

  it('meets a ratio at its limit exactly', () => {
    const [overNaive] = checkTargets({ naive: { wallMs: 43_400 }, servping });
    expect(overNaive).toMatchObject({ status: 'met', figures: '21.7 s (median) / 43.4 s = 0.50×' });
  });

  it('says "not measured" where a side is missing, never met', () => {
    const checks = checkTargets({
      servping: { ...servping, agreement: [{ compared: 109, mismatched: 0 }, undefined] },
    });
    expect(checks.map((c) => c.status)).toEqual([
      'not measured',
      'not measured',
      'not measured',
      'missed',
      'not measured',
    ]);
    expect(checkTargets({}).every((c) => c.status === 'not measured')).toBe(true);
  });

  it('misses agreement when any run differs from naive', () => {
    const [, , , , agreement] = checkTargets({
      servping: {
        ...servping,
        agreement: [
          { compared: 109, mismatched: 0 },
          { compared: 109, mismatched: 2 },
        ],
      },
    });
    expect(agreement).toMatchObject({
      status: 'missed',
      figures: '2 runs, 109 metrics compared each, 2 mismatched',
    });
  });
});
