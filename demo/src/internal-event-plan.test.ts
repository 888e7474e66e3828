import type { EventDefinition, MetricDefinition } from '@servping/shared';
import { planInternalEvents } from './internal-event-plan';
import { SEEDED_WEEKS } from './redis-event-plan';

const RUNNER: EventDefinition = {
  action: 'create_ci_runner',
  file: 'events/create_ci_runner.yml',
  identifiers: ['project', 'user'],
  properties: { label: 'string', value: 'number' },
  status: 'active',
};
const GONE: EventDefinition = { ...RUNNER, action: 'gone', status: 'removed' };
const filtered = {
  status: 'active',
  spec: {
    kind: 'internal_events',
    operation: 'total',
    selections: [{ event: 'create_ci_runner', filter: { label: 'group_type' } }],
  },
} as unknown as MetricDefinition;

const input = {
  seed: 3,
  now: new Date('2025-06-04T12:00:00Z'),
  users: 50,
  projects: 20,
  namespaces: 10,
  events: [RUNNER, GONE],
  definitions: [filtered],
};

describe('planInternalEvents', () => {
  const plan = planInternalEvents(input);

  it('is deterministic', () => {
    expect(planInternalEvents(input)).toEqual(plan);
  });

  it('tracks active events in each seeded week, never after now, with their identifiers only', () => {
    expect(new Set(plan.map((o) => o.body.event))).toEqual(new Set(['create_ci_runner']));
    expect(new Set(plan.map((o) => o.at.getTime())).size).toBe(SEEDED_WEEKS);
    expect(plan.every((o) => o.at <= input.now)).toBe(true);
    expect(plan.every((o) => o.body.namespace_id === undefined && (o.body.user_id as number) >= 2)).toBe(
      true,
    );
  });

  it('uses the values the metrics filter on, and one they do not', () => {
    expect(new Set(plan.map((o) => o.body.additional_properties?.label))).toEqual(
      new Set(['group_type', 'other']),
    );
    expect(new Set(plan.map((o) => o.body.additional_properties?.value))).toEqual(new Set([0]));
  });
});
