import { diffPayloads, flattenPayload, isFallback } from './payload-diff';

describe('isFallback', () => {
  it.each([
    [-1, undefined, true],
    [-2, undefined, true],
    [{ '-1': -1 }, undefined, true],
    [0, undefined, false],
    [-1000, undefined, false], // deprecated, not failed
    [{ '-1': -1, '0': 3 }, undefined, false],
    [12, 'statement timeout', true],
  ])('%j (error %s) → %s', (value, error, expected) => {
    expect(isFallback(value, error)).toBe(expected);
  });
});

describe('flattenPayload', () => {
  it('keeps a metric object whole and splits facts down to scalars', () => {
    const payload = {
      uuid: 'u',
      database: { adapter: 'postgresql', version: '15.2' },
      counts: { issues: 3, by_state: { opened: 2, closed: 1 }, empty: {} },
      settings: { collected_data_categories: ['standard'] },
    };
    const leaves = flattenPayload(payload, new Set(['counts.issues', 'counts.by_state']));
    expect(Object.fromEntries(leaves)).toEqual({
      uuid: 'u',
      'database.adapter': 'postgresql',
      'database.version': '15.2',
      'counts.issues': 3,
      'counts.by_state': { opened: 2, closed: 1 },
      'counts.empty': {},
      'settings.collected_data_categories': ['standard'],
    });
  });
});

describe('diffPayloads', () => {
  const before = {
    payload: {
      recorded_at: '2026-11-27T00:00:00Z',
      counts: { issues: 3, boards: 2, gone: 7, histogram: { '0': 4, '1': 2 }, broken: -1 },
    },
    metrics: [
      { name: 'counts.issues' },
      { name: 'counts.boards' },
      { name: 'counts.gone' },
      { name: 'counts.histogram' },
      { name: 'counts.broken', error: 'relation "x" does not exist' },
    ],
  };
  const after = {
    payload: {
      recorded_at: '2026-12-04T00:00:00Z',
      counts: { issues: 5, boards: -1, fresh: 1, histogram: { '-1': -1 }, broken: -1 },
    },
    metrics: [
      { name: 'counts.issues' },
      { name: 'counts.boards', error: 'canceling statement due to statement timeout' },
      { name: 'counts.fresh' },
      { name: 'counts.histogram', error: 'connection reset' },
      { name: 'counts.broken', error: 'relation "x" does not exist' },
    ],
  };

  it('lists added, removed, changed and newly fallen-back key paths; a metric failing both times is unchanged', () => {
    expect(diffPayloads(before, after)).toEqual({
      added: [{ keyPath: 'counts.fresh', value: 1 }],
      removed: [{ keyPath: 'counts.gone', value: 7 }],
      changed: [
        { keyPath: 'counts.issues', from: 3, to: 5 },
        { keyPath: 'recorded_at', from: '2026-11-27T00:00:00Z', to: '2026-12-04T00:00:00Z' },
      ],
      fellBack: [
        { keyPath: 'counts.boards', from: 2, to: -1, error: 'canceling statement due to statement timeout' },
        {
          keyPath: 'counts.histogram',
          from: { '0': 4, '1': 2 },
          to: { '-1': -1 },
          error: 'connection reset',
        },
      ],
      unchanged: 1,
    });
  });

  it('finds nothing between a payload and itself, whatever the key order', () => {
    const reordered = {
      ...after,
      payload: { counts: { ...after.payload.counts }, recorded_at: after.payload.recorded_at },
    };
    const diff = diffPayloads(after, reordered);
    expect([diff.added, diff.removed, diff.changed, diff.fellBack]).toEqual([[], [], [], []]);
    expect(diff.unchanged).toBe(6);
  });
});
