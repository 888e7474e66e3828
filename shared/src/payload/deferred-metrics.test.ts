import type { MetricSpec } from '../definitions/types';
import { serializeSketch } from '../hll/sketch-codec';
import { HLL_REGISTER_COUNT } from '../hll/registers';
import { addValues, isDeferredToAggregator, resolveDeferredMetrics } from './deferred-metrics';
import type { MetricResult } from './metric-result';

/** A sketch with rank 1 in registers [from, to): in the linear-counting range it estimates ≈ to − from. */
function sketchOf(from: number, to: number) {
  const registers = new Uint8Array(HLL_REGISTER_COUNT);
  registers.fill(1, from, to);
  return serializeSketch(registers);
}
const result = (
  keyPath: string,
  value: MetricResult['value'],
  extra: Partial<MetricResult> = {},
): MetricResult => ({
  keyPath,
  value,
  timeElapsedS: 0.5,
  ...extra,
});
const def = (
  keyPath: string,
  spec: MetricSpec,
  status: 'active' | 'broken' | 'deprecated' | 'removed' = 'active',
) => ({
  keyPath,
  spec,
  status,
});

describe('addValues (GitLab Utils::UsageData#add)', () => {
  it.each([
    [[1, 3], 4],
    [[], 0],
    [[-1, 1], -1],
    [[null, 3], -1],
    [[2, '3'], -1],
    [[{ '-1': -1 }, 1], -1],
    [[0, 0, 7], 7],
    // Integers past 2⁵³ travel as their digits and add exactly; so does a sum that passes 2⁵³.
    [['9007199254740993', 1], '9007199254740994'],
    [[2 ** 53, 2 ** 53 - 1], '18014398509481983'],
    [['-9007199254740993', 1], -1],
    [[0.5, 1], 1.5],
  ])('add(%j) = %j', (values, expected) => expect(addValues(values)).toBe(expected));
});

describe('isDeferredToAggregator', () => {
  it.each<[MetricSpec, boolean]>([
    [{ kind: 'add', keyPaths: ['a'] }, true],
    [{ kind: 'aggregated', source: 'database', operator: 'OR', events: ['a'] }, true],
    [{ kind: 'aggregated', source: 'redis_hll', operator: 'OR', events: ['a'] }, false],
    [{ kind: 'redis_counter', key: 'K' }, false],
  ])('%j → %s', (spec, expected) => expect(isDeferredToAggregator(spec)).toBe(expected));
});

describe('resolveDeferredMetrics', () => {
  const results = [
    result('counts.issues', 3),
    result('counts.mrs', 4),
    result('counts.failed', -1, { error: 'deadline exceeded after 2 s' }),
    result('counts.users_a', 100, { sketch: sketchOf(0, 100) }),
    result('counts.users_b', 100, { sketch: sketchOf(50, 150) }),
    result('counts.users_c', 100, { sketch: sketchOf(90, 190) }),
  ];

  it('adds, propagates -1, resolves nested adds and skips non-deferred and removed definitions', () => {
    const out = resolveDeferredMetrics(
      [
        def('counts.total', { kind: 'add', keyPaths: ['counts.issues', 'counts.mrs'] }),
        def('counts.grand', { kind: 'add', keyPaths: ['counts.total', 'counts.issues'] }),
        def('counts.broken_sum', { kind: 'add', keyPaths: ['counts.issues', 'counts.failed'] }),
        def('counts.issues', { kind: 'database', query: {} as never }),
        def('counts.gone', { kind: 'add', keyPaths: ['counts.issues'] }, 'removed'),
        def('counts.old', { kind: 'add', keyPaths: ['counts.issues'] }, 'deprecated'),
      ],
      results,
    );
    expect(out.find((r) => r.keyPath === 'counts.broken_sum')?.error).toBe(
      'counts.broken_sum: input counts.failed is -1',
    );
    expect(out.map((r) => [r.keyPath, r.value])).toEqual([
      ['counts.total', 7],
      ['counts.grand', 10],
      ['counts.broken_sum', -1],
      ['counts.old', -1000],
    ]);
  });

  it('reports a missing input and a cycle as -1 with the reason', () => {
    const out = resolveDeferredMetrics(
      [
        def('x', { kind: 'add', keyPaths: ['nowhere'] }),
        def('p', { kind: 'add', keyPaths: ['q'] }),
        def('q', { kind: 'add', keyPaths: ['p'] }),
      ],
      [],
    );
    expect(out).toEqual([
      { keyPath: 'x', value: -1, timeElapsedS: 0, error: 'x: no result for nowhere' },
      { keyPath: 'p', value: -1, timeElapsedS: 0, error: 'p: input q is -1' },
      { keyPath: 'q', value: -1, timeElapsedS: 0, error: 'q: cycle through p' },
    ]);
  });

  it('unions and intersects the sketches of database estimates', () => {
    const [union, pair, triple] = resolveDeferredMetrics(
      [
        def('agg.or', {
          kind: 'aggregated',
          source: 'database',
          operator: 'OR',
          events: ['counts.users_a', 'counts.users_b'],
        }),
        def('agg.and', {
          kind: 'aggregated',
          source: 'database',
          operator: 'AND',
          events: ['counts.users_a', 'counts.users_b'],
        }),
        def('agg.and3', {
          kind: 'aggregated',
          source: 'database',
          operator: 'AND',
          events: ['counts.users_a', 'counts.users_b', 'counts.users_c'],
        }),
      ],
      results,
    );
    // True sizes: A∪B 150, A∩B 50, A∩B∩C 10; inclusion–exclusion sums 7 estimates, so the
    // intersections carry the union's HLL error (A∪B ≈ 151), not their own.
    expect(union?.value).toBe(151);
    expect(pair?.value).toBe(49);
    expect(triple?.value).toBe(8);
  });

  it('fails an aggregate whose input has no sketch, naming it and its error', () => {
    const [out] = resolveDeferredMetrics(
      [
        def('agg', {
          kind: 'aggregated',
          source: 'database',
          operator: 'OR',
          events: ['counts.users_a', 'counts.failed'],
        }),
      ],
      results,
    );
    expect(out).toEqual({
      keyPath: 'agg',
      value: -1,
      timeElapsedS: 0,
      error: 'agg: counts.failed has no sketch (deadline exceeded after 2 s)',
    });
  });
});
