import { planRedisEvents, SEEDED_WEEKS } from './redis-event-plan';

const input = {
  seed: 1,
  now: new Date('2025-06-04T12:00:00Z'),
  users: 500,
  events: ['g_edit_by_sfe', 'i_search_total'],
  counterKeys: ['USAGE_SOURCE_CODE_PUSHES'],
};

describe('planRedisEvents', () => {
  it('tracks every event in the current ISO week and the 7 before, never after now', () => {
    const { uniques } = planRedisEvents(input);
    expect(uniques).toHaveLength(2 * SEEDED_WEEKS);
    const ats = uniques.filter((u) => u.event === 'g_edit_by_sfe').map((u) => u.at.toISOString());
    // Thursday noon of 2025-W16 … W22, then `now` itself in the current week (W23).
    expect(ats[0]).toBe('2025-04-17T12:00:00.000Z');
    expect(ats[6]).toBe('2025-05-29T12:00:00.000Z');
    expect(ats[7]).toBe('2025-06-04T12:00:00.000Z');
  });

  it('picks distinct human user ids (2..users)', () => {
    for (const { userIds } of planRedisEvents(input).uniques) {
      expect(new Set(userIds).size).toBe(userIds.length);
      expect(Math.min(...userIds)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...userIds)).toBeLessThanOrEqual(500);
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(planRedisEvents(input)).toEqual(planRedisEvents(input));
    expect(planRedisEvents({ ...input, seed: 2 }).counters).not.toEqual(planRedisEvents(input).counters);
  });
});
