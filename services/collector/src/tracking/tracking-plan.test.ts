import type { EventDefinition, MetricDefinition } from '@servping/shared';
import { planTracking, trackingDictionary } from './tracking-plan';

const RUN: EventDefinition = {
  action: 'run',
  file: 'events/run.yml',
  identifiers: ['user', 'project'],
  properties: { label: 'string' },
  status: 'active',
};
const metric = (spec: MetricDefinition['spec'], timeFrame: MetricDefinition['timeFrame']) =>
  ({ status: 'active', timeFrame, spec }) as MetricDefinition;
const dictionary = trackingDictionary(
  [
    metric(
      { kind: 'internal_events', operation: 'total', selections: [{ event: 'run', filter: {} }] },
      'all',
    ),
    metric(
      {
        kind: 'internal_events',
        operation: 'unique',
        selections: [{ event: 'run', filter: {}, unique: 'user.id' }],
      },
      '7d',
    ),
  ],
  [RUN, { ...RUN, action: 'retired', status: 'removed' }],
  new Set(['run', 'legacy_only']),
);
const AT = new Date('2026-12-09T10:00:00Z'); // ISO 2026-W50

describe('planTracking', () => {
  it('writes what the metrics read, the user being the token when the body names none', () => {
    expect(planTracking([{ event: 'run', project_id: 3 }], dictionary, AT, 'token:7')).toEqual({
      writes: [
        { op: 'incr', key: '{event_counters}_run' },
        { op: 'pfadd', key: '{hll_counters}_run-user-2026-50', value: 'token:7', expireS: 3_628_800 },
      ],
      legacy: [{ event: 'run', user: 'token:7' }],
    });
  });

  it('tracks an event without a definition only for the legacy metrics that count it', () => {
    expect(planTracking([{ event: 'legacy_only', user_id: 5 }], dictionary, AT, 'token:7')).toEqual({
      writes: [],
      legacy: [{ event: 'legacy_only', user: '5' }],
    });
  });

  it.each([
    [{ event: 'retired' }, /^unknown event 'retired'/],
    [{ event: 'run', namespace_id: 1 }, /is not tracked with namespace_id/],
    [{ event: 'run', additional_properties: { label: 3 } }, /'label' of event 'run' must be a string; got 3/],
  ])('refuses %j', (body, message) => {
    expect(() => planTracking([{ event: 'run' }, body], dictionary, AT, 'token:7')).toThrow(message);
  });
});
