import type { MetricDefinition } from '../definitions/types';
import { knownCounterKeys, knownEvents } from './known-events';

type Def = Pick<MetricDefinition, 'status' | 'spec'>;
const defs: Def[] = [
  { status: 'active', spec: { kind: 'redis_hll', events: ['a', 'b'] } },
  { status: 'broken', spec: { kind: 'redis_hll', events: ['c'] } },
  { status: 'deprecated', spec: { kind: 'redis_hll', events: ['old'] } },
  { status: 'removed', spec: { kind: 'redis_hll', events: ['gone'] } },
  { status: 'active', spec: { kind: 'aggregated', source: 'redis_hll', operator: 'OR', events: ['b', 'd'] } },
  {
    status: 'active',
    spec: { kind: 'aggregated', source: 'database', operator: 'OR', events: ['counts.x'] },
  },
  { status: 'active', spec: { kind: 'redis_counter', key: 'USAGE_PUSHES' } },
  { status: 'deprecated', spec: { kind: 'redis_counter', key: 'USAGE_OLD' } },
];

describe('knownEvents', () => {
  it('is the union of events of available redis_hll and Redis-aggregated metrics', () => {
    expect([...knownEvents(defs)].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('knownCounterKeys', () => {
  it('lists keys of available plain counters', () => {
    expect([...knownCounterKeys(defs)]).toEqual(['USAGE_PUSHES']);
  });
});
