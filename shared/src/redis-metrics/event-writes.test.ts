import type { MetricDefinition } from '../definitions/types';
import { eventWrites } from './event-writes';
import { trackingRules } from './tracking-rules';

type Def = Pick<MetricDefinition, 'status' | 'spec' | 'timeFrame'>;
const internal = (
  timeFrame: Def['timeFrame'],
  spec: Extract<Def['spec'], { kind: 'internal_events' }>,
  status: Def['status'] = 'active',
): Def => ({
  status,
  timeFrame,
  spec,
});

const definitions: Def[] = [
  // [28d, 7d, all] total expanded: two weekly metrics share one rule, `all` has its own.
  internal('28d', {
    kind: 'internal_events',
    operation: 'total',
    selections: [{ event: 'run', filter: {} }],
  }),
  internal('7d', { kind: 'internal_events', operation: 'total', selections: [{ event: 'run', filter: {} }] }),
  internal('all', {
    kind: 'internal_events',
    operation: 'total',
    selections: [{ event: 'run', filter: {} }],
  }),
  internal('28d', {
    kind: 'internal_events',
    operation: 'unique',
    selections: [{ event: 'run', filter: {}, unique: 'user.id' }],
  }),
  internal('7d', {
    kind: 'internal_events',
    operation: 'total',
    selections: [{ event: 'run', filter: { label: 'group' } }],
  }),
  internal('7d', {
    kind: 'internal_events',
    operation: 'unique',
    selections: [{ event: 'run', filter: {}, unique: 'label' }],
  }),
  {
    status: 'active',
    timeFrame: '28d',
    spec: {
      kind: 'aggregated',
      source: 'internal_events',
      operator: 'OR',
      events: ['run', 'other'],
      unique: 'project.id',
    },
  },
  internal(
    '7d',
    { kind: 'internal_events', operation: 'total', selections: [{ event: 'gone', filter: {} }] },
    'removed',
  ),
];

describe('trackingRules', () => {
  const rules = trackingRules(definitions);
  it('lists each selection of an available metric once per weekly/all-time, by event', () => {
    expect(rules.get('run')).toHaveLength(6);
    expect(rules.get('other')).toEqual([
      { selection: { event: 'other', filter: {}, unique: 'project.id' }, timeFramed: true },
    ]);
    expect(rules.has('gone')).toBe(false);
  });
});

describe('eventWrites', () => {
  const rules = trackingRules(definitions).get('run') ?? [];
  const at = new Date('2026-12-31T23:59:59Z'); // ISO 2026-W53
  const SIX_WEEKS = 3_628_800;

  it('updates exactly the keys the metrics over the event read', () => {
    expect(
      eventWrites(rules, { event: 'run', user: '7', project: '3', properties: { label: 'group' } }, at),
    ).toEqual([
      { op: 'incr', key: '{event_counters}_run-2026-53', expireS: SIX_WEEKS },
      { op: 'incr', key: '{event_counters}_run' },
      { op: 'pfadd', key: '{hll_counters}_run-user-2026-53', value: '7', expireS: SIX_WEEKS },
      { op: 'incr', key: '{event_counters}_run-filter:[label:group]-2026-53', expireS: SIX_WEEKS },
      { op: 'pfadd', key: '{hll_counters}_run-label-2026-53', value: 'group', expireS: SIX_WEEKS },
      { op: 'pfadd', key: '{hll_counters}_run-project-2026-53', value: '3', expireS: SIX_WEEKS },
    ]);
  });

  it('skips filters that do not match and uniques whose identifier is absent', () => {
    expect(
      eventWrites(rules, { event: 'run', properties: { label: 'instance' } }, at).map((w) => w.key),
    ).toEqual(['{event_counters}_run-2026-53', '{event_counters}_run', '{hll_counters}_run-label-2026-53']);
  });

  it('writes to the ISO week of the moment tracked', () => {
    const next = eventWrites(rules, { event: 'run', properties: {} }, new Date('2027-01-04T00:00:00Z'));
    expect(next[0]?.key).toBe('{event_counters}_run-2027-01');
  });
});
