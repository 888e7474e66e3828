import { hllKey, HLL_KEY_EXPIRY_S } from './hll-key';
import { toRedisWindow, windowKeys, windowWeeks } from './window-weeks';

describe('hllKey', () => {
  it('writes to the current ISO week with the {hll_counters} hash tag (GitLab spec, frozen 2020-06-01)', () => {
    expect(hllKey('i_quickactions_approve', new Date('2020-06-01T00:00:00Z'))).toBe(
      '{hll_counters}_i_quickactions_approve-2020-23',
    );
  });

  it('uses the ISO year across the new year', () => {
    expect(hllKey('g_edit', new Date('2021-01-02T00:00:00Z'))).toBe('{hll_counters}_g_edit-2020-53');
  });

  it('expires after six weeks', () => {
    expect(HLL_KEY_EXPIRY_S).toBe(3_628_800);
  });
});

describe('windowWeeks', () => {
  it.each([
    // GitLab spec: frozen Monday 2020-06-01 (W23) reads W22 for 7d.
    ['2020-06-01T00:00:00Z', '7d', ['2020-22']],
    ['2020-06-07T23:59:59Z', '7d', ['2020-22']],
    ['2020-06-01T00:00:00Z', '28d', ['2020-19', '2020-20', '2020-21', '2020-22']],
    ['2021-01-04T08:00:00Z', '7d', ['2020-53']],
    ['2021-01-20T08:00:00Z', '28d', ['2020-52', '2020-53', '2021-01', '2021-02']],
    ['2020-01-06T00:00:00Z', '28d', ['2019-50', '2019-51', '2019-52', '2020-01']],
  ] as const)('%s %s → %j', (iso, window, expected) => {
    const weeks = windowWeeks(new Date(iso), window).map(
      (w) => `${w.year}-${String(w.week).padStart(2, '0')}`,
    );
    expect(weeks).toEqual(expected);
  });

  it('never includes the week being written', () => {
    const at = new Date('2020-06-03T12:00:00Z');
    expect(windowKeys(['e'], at, '28d')).not.toContain(hllKey('e', at));
  });
});

describe('windowKeys', () => {
  it('lists every event × week, events in order', () => {
    expect(windowKeys(['a', 'b'], new Date('2020-06-01T00:00:00Z'), '7d')).toEqual([
      '{hll_counters}_a-2020-22',
      '{hll_counters}_b-2020-22',
    ]);
  });
});

describe('toRedisWindow', () => {
  it.each(['7d', '28d'])('accepts %s', (tf) => expect(toRedisWindow(tf)).toBe(tf));
  it.each(['all', 'none'])('rejects %s like GitLab DisallowedAggregationTimeFrame', (tf) => {
    expect(() => toRedisWindow(tf)).toThrow(`time frame '${tf}' is not allowed`);
  });
});
