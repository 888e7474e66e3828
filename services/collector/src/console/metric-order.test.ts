import { parseSort, sortMetrics, type MetricRow } from './metric-order';

const rows: MetricRow[] = [
  { name: 'counts.fast', state: 'done', timeElapsedS: 0.01, value: 3 },
  { name: 'counts.slow', state: 'done', timeElapsedS: 4.2, value: 9, shards: 3 },
  { name: 'counts.timeout', state: 'fallback', timeElapsedS: 15, value: -1, error: 'statement timeout' },
  { name: 'counts.crashed', state: 'failed', error: 'worker lost' },
  { name: 'counts.waiting', state: 'pending' },
  { name: 'counts.broken', state: 'fallback', timeElapsedS: 0.2, value: -1, error: 'no such table' },
];
const names = (list: MetricRow[]) => list.map((r) => r.name);

describe('sortMetrics', () => {
  it('puts failed first, then fallbacks slowest first, then pending, then the rest slowest first', () => {
    expect(names(sortMetrics(rows, 'problems'))).toEqual([
      'counts.crashed',
      'counts.timeout',
      'counts.broken',
      'counts.waiting',
      'counts.slow',
      'counts.fast',
    ]);
  });

  it.each([
    [
      'name',
      false,
      ['counts.broken', 'counts.crashed', 'counts.fast', 'counts.slow', 'counts.timeout', 'counts.waiting'],
    ],
    [
      'time',
      false,
      ['counts.timeout', 'counts.slow', 'counts.broken', 'counts.fast', 'counts.crashed', 'counts.waiting'],
    ],
    [
      'time',
      true,
      ['counts.waiting', 'counts.crashed', 'counts.fast', 'counts.broken', 'counts.slow', 'counts.timeout'],
    ],
    [
      'shards',
      false,
      ['counts.slow', 'counts.timeout', 'counts.broken', 'counts.fast', 'counts.crashed', 'counts.waiting'],
    ],
  ] as const)('by %s (reversed: %s)', (sort, reverse, expected) => {
    expect(names(sortMetrics(rows, sort, reverse))).toEqual(expected);
  });

  it('leaves its input alone', () => {
    const before = names(rows);
    sortMetrics(rows, 'name');
    expect(names(rows)).toEqual(before);
  });
});

it('reads only known sorts from a query string', () => {
  expect(parseSort('time')).toBe('time');
  expect(parseSort('constructor')).toBe('problems');
  expect(parseSort(['time'])).toBe('problems');
});
