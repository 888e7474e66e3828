import type { DatabaseOperation } from '@servping/shared';
import { countQuery, plannedMetric } from '../../shared/test/support/definitions';
import type { BenchCatalog } from './bench-catalog';
import { clockIndependentExactMetrics, compareValues, payloadValues } from './mode-agreement';

describe('compareValues', () => {
  it('counts equal and differing values, skipping the named and the missing key paths', () => {
    const a = { x: 1, y: { '1': 2, '2': 3 }, z: 0.1 + 0.2, e: 1000, s: 'pg', m: 4, only: 1 };
    const b = { x: 1, y: { '1': 2, '2': 4 }, z: 0.3, e: 990, s: 'pg', m: 5 };
    expect(compareValues(a, b, new Set(['e']))).toEqual({
      compared: 5,
      mismatched: 2,
      examples: [
        { keyPath: 'y', a: { '1': 2, '2': 3 }, b: { '1': 2, '2': 4 } },
        { keyPath: 'm', a: 4, b: 5 },
      ],
    });
  });

  it('treats a missing group key as a difference', () => {
    expect(compareValues({ g: { a: 1 } }, { g: { a: 1, b: 0 } }).mismatched).toBe(1);
  });
});

describe('what servping is checked on', () => {
  const metric = (keyPath: string, timeFrame: 'all' | 'none' | '28d', operation: DatabaseOperation) => ({
    metric: plannedMetric(
      keyPath,
      { kind: 'database', query: countQuery('issues', { operation }) },
      { timeFrame },
    ),
    query: countQuery('issues', { operation }),
  });
  const catalog: BenchCatalog = {
    dir: 'x',
    database: [
      metric('counts.issues', 'all', 'count'),
      metric('counts.none', 'none', 'count'),
      metric('counts_monthly.issues', '28d', 'count'),
      metric('counts.authors_estimated', 'all', 'estimate_distinct_count'),
    ],
    other: [],
    notComputed: 0,
    total: 4,
  };

  it('keeps exact metrics whose value no later clock can change', () => {
    expect(clockIndependentExactMetrics(catalog)).toEqual(['counts.issues', 'counts.none']);
  });

  it('reads them from a nested payload, leaving out the ones it lacks', () => {
    const payload = { counts: { issues: 7, none: { a: 1 } }, counts_monthly: { issues: 2 } };
    expect(payloadValues(payload, ['counts.issues', 'counts.none', 'counts.missing'])).toEqual({
      'counts.issues': 7,
      'counts.none': { a: 1 },
    });
  });
});
