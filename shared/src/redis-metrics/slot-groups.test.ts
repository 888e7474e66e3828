import { hllWeekKey } from './hll-key';
import { groupByHashText, hashText, pfcountSlotPlan } from './slot-groups';

describe('hashText', () => {
  it.each([
    ['{hll_counters}_i_users-2024-23', 'hll_counters'],
    ['USAGE_ISSUES_CREATED', 'USAGE_ISSUES_CREATED'],
    ['{}x{y}', '{}x{y}'],
    ['a{b}c{d}', 'b'],
    ['a}b{c', 'a}b{c'],
  ])('%s hashes %s', (key, text) => {
    expect(hashText(key)).toBe(text);
  });
});

describe('pfcountSlotPlan', () => {
  it('keeps weekly keys of the one hll_counters tag together: nothing to copy', () => {
    const keys = [hllWeekKey('a', { year: 2024, week: 22 }), hllWeekKey('b', { year: 2024, week: 23 })];
    expect(pfcountSlotPlan(keys)).toEqual({ anchor: keys, others: [], tag: '{hll_counters}' });
  });

  it('anchors on the largest group and copies the rest next to it', () => {
    expect(pfcountSlotPlan(['old_a-2024-23', '{t}x', '{t}y', 'old_b-2024-23'])).toEqual({
      anchor: ['{t}x', '{t}y'],
      others: ['old_a-2024-23', 'old_b-2024-23'],
      tag: '{t}',
    });
  });

  it('cannot anchor on a hash text that holds a closing brace', () => {
    expect(pfcountSlotPlan(['a}b'])).toBeUndefined();
    expect(pfcountSlotPlan(['a}b', 'c'])).toEqual({ anchor: ['c'], others: ['a}b'], tag: '{c}' });
  });
});

describe('groupByHashText', () => {
  it('puts keys of one hash tag together, in order of first appearance', () => {
    const keys = ['{event_counters}_a', '{hll_counters}_a-user-2026-49', 'USAGE_X', '{event_counters}_b'];
    expect([...groupByHashText(keys, (k) => k)]).toEqual([
      ['event_counters', ['{event_counters}_a', '{event_counters}_b']],
      ['hll_counters', ['{hll_counters}_a-user-2026-49']],
      ['USAGE_X', ['USAGE_X']],
    ]);
  });
});
