import type { DatabaseQuery } from '../definitions/types';
import { failedMetricResult } from './failed-metric';
import { countQuery } from '../../test/support/definitions';

const query = (operation: DatabaseQuery['operation']) => countQuery('issues', { operation });

describe('failedMetricResult', () => {
  it.each([
    ['a count', { kind: 'database', query: query('count') } as const, -1],
    ['a histogram', { kind: 'database', query: query('histogram') } as const, { '-1': -1 }],
    ['a redis counter', { kind: 'redis_counter', key: 'USAGE_X' } as const, -1],
  ])('gives %s its fallback and keeps the reason', (_name, spec, value) => {
    expect(
      failedMetricResult({ keyPath: 'counts.x', spec }, 'job stalled more than allowable limit', 1.25),
    ).toEqual({
      keyPath: 'counts.x',
      value,
      timeElapsedS: 1.25,
      error: 'job stalled more than allowable limit',
    });
  });
});
