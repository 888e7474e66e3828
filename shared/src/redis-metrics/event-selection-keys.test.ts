import { selectionKey, selectionWindowKeys } from './event-selection-keys';

describe('selectionKey (GitLab EventSelectionRule key names)', () => {
  const week = { year: 2026, week: 49 };
  it.each([
    [{ event: 'create_ci_runner', filter: {} }, undefined, '{event_counters}_create_ci_runner'],
    [{ event: 'create_ci_runner', filter: {} }, week, '{event_counters}_create_ci_runner-2026-49'],
    [
      { event: 'pull_package', filter: { property: 'x', label: 'rubygems' } },
      week,
      '{event_counters}_pull_package-filter:[label:rubygems,property:x]-2026-49',
    ],
    [
      { event: 'create_ci_runner', filter: {}, unique: 'user.id' as const },
      week,
      '{hll_counters}_create_ci_runner-user-2026-49',
    ],
    [
      { event: 'pull_package', filter: { value: 3 }, unique: 'project.id' as const },
      { year: 2027, week: 1 },
      '{hll_counters}_pull_package-filter:[value:3]-project-2027-01',
    ],
    [{ event: 'e', filter: {}, unique: 'label' as const }, week, '{hll_counters}_e-label-2026-49'],
  ])('%j in %j → %s', (selection, at, key) => {
    expect(selectionKey(selection, at)).toBe(key);
  });
});

describe('selectionWindowKeys', () => {
  const monday = new Date('2021-01-04T08:00:00Z'); // 2021-W01: the window ends with 2020-W53
  const total = { event: 'e', filter: {} };
  const unique = { event: 'e', filter: {}, unique: 'user.id' as const };
  it.each([
    ['all', [total], ['{event_counters}_e']],
    ['7d', [total], ['{event_counters}_e-2020-53']],
    ['7d', [unique], ['{hll_counters}_e-user-2020-53']],
    [
      '28d',
      [total],
      [
        '{event_counters}_e-2020-50',
        '{event_counters}_e-2020-51',
        '{event_counters}_e-2020-52',
        '{event_counters}_e-2020-53',
      ],
    ],
  ] as const)('%s over %j', (timeFrame, selections, keys) => {
    expect(selectionWindowKeys(selections, timeFrame, monday)).toEqual(keys);
  });
  it('has no all-time sketch to read for a unique count', () => {
    expect(() => selectionWindowKeys([unique], 'all', monday)).toThrow("time frame 'all' is not allowed");
  });
});
