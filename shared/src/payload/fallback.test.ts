import type { DatabaseQuery, MetricSpec } from '../definitions/types';
import { QueryTimeoutError } from '../errors';
import {
  DEPRECATED_VALUE,
  DISTRIBUTED_HLL_FALLBACK,
  errorText,
  fallbackFor,
  NON_SQL_METRIC,
} from './fallback';
import { countQuery } from '../../test/support/definitions';

const query = (operation: DatabaseQuery['operation']) => countQuery('issues', { operation });

describe('fallbackFor', () => {
  it.each<[string, MetricSpec, unknown]>([
    ['count timeout', { kind: 'database', query: query('count') }, new QueryTimeoutError('t')],
    ['estimate failure', { kind: 'database', query: query('estimate_distinct_count') }, new Error('x')],
    ['redis counter', { kind: 'redis_counter', key: 'USAGE_X' }, new Error('ECONNREFUSED')],
    ['redis hll', { kind: 'redis_hll', events: ['e'] }, new Error('x')],
    ['aggregated', { kind: 'aggregated', source: 'redis_hll', operator: 'AND', events: ['a'] }, 'x'],
    ['add', { kind: 'add', keyPaths: [] }, new Error('x')],
    ['system', { kind: 'system', fact: 'uuid' }, new Error('x')],
    ['prometheus', { kind: 'prometheus', query: 'up' }, new Error('x')],
    ['unsupported', { kind: 'unsupported', reason: 'Ruby only' }, undefined],
  ])('%s → -1', (_name, spec, error) => {
    expect(fallbackFor(spec, error)).toBe(-1);
  });

  it('keeps the object shape for a histogram: {"-1": -1}', () => {
    expect(fallbackFor({ kind: 'database', query: query('histogram') }, new Error('x'))).toEqual({
      '-1': -1,
    });
  });

  it('returns a fresh histogram object each time', () => {
    const spec: MetricSpec = { kind: 'database', query: query('histogram') };
    expect(fallbackFor(spec, null)).not.toBe(fallbackFor(spec, null));
  });
});

describe('GitLab special values', () => {
  it.each([
    ['DEPRECATED_VALUE', DEPRECATED_VALUE, -1000],
    ['DISTRIBUTED_HLL_FALLBACK', DISTRIBUTED_HLL_FALLBACK, -2],
    ['NON_SQL_METRIC', NON_SQL_METRIC, -3],
  ])('%s = %i', (_name, value, expected) => expect(value).toBe(expected));
});

describe('errorText', () => {
  it.each([
    [new Error('boom'), 'boom'],
    [new QueryTimeoutError('deadline exceeded after 2 s'), 'deadline exceeded after 2 s'],
    ['plain', 'plain'],
    [42, '42'],
  ])('%p → %s', (error, text) => expect(errorText(error)).toBe(text));
});
