/**
 * What the demo seeder tracks in Redis, as a pure plan: for every event the catalog's unique-user
 * metrics read, a deterministic set of user ids per ISO week for the 8 weeks up to `now`, and a
 * deterministic total per plain counter. The same (seed, now, users, names) always yields the
 * same plan, so reseeding reproduces the same Redis state.
 */
import { isoWeekStart } from '@servping/shared';
import { columnSalt } from './random-sql';

export interface UniqueEventBatch {
  event: string;
  /** An instant inside the ISO week the users are tracked in (never after `now`). */
  at: Date;
  userIds: number[];
}

export interface CounterIncrement {
  key: string;
  by: number;
}

export interface RedisEventPlanInput {
  seed: number;
  now: Date;
  /** Users of the instance; ids 2..users are humans (1 is the support bot). */
  users: number;
  events: Iterable<string>;
  counterKeys: Iterable<string>;
}

/** The current ISO week and the 7 before it. */
export const SEEDED_WEEKS = 8;
export const WEEK_MS = 7 * 86_400_000;
/** Middle of the week (Thursday noon) keeps `at` inside the week whatever its time zone math. */
export const MID_WEEK_MS = 3.5 * 86_400_000;

/** mulberry32: a tiny deterministic PRNG; good enough to pick demo users. */
export function prng(seedText: string): () => number {
  let state = Number(BigInt.asUintN(32, BigInt(columnSalt(0, 'redis', seedText))));
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Distinct user ids, skewed like the database's activity (id = 2 + ⌊(users−1)·r²⌋): heavy users
 * show up in many events and weeks, so unions and intersections are not trivial.
 */
function pickUsers(random: () => number, users: number, count: number): number[] {
  const humans = Math.max(1, users - 1);
  const picked = new Set<number>();
  for (let attempt = 0; picked.size < count && attempt < count * 20; attempt++) {
    picked.add(2 + Math.floor(humans * random() ** 2));
  }
  return [...picked].sort((a, b) => a - b);
}

export function planRedisEvents({ seed, now, users, events, counterKeys }: RedisEventPlanInput): {
  uniques: UniqueEventBatch[];
  counters: CounterIncrement[];
} {
  const currentWeek = isoWeekStart(now).getTime();
  const uniques: UniqueEventBatch[] = [];
  for (const event of [...events].sort()) {
    // Each event has its own popularity: 1% to 20% of users per week.
    const popularity = 0.01 + 0.19 * prng(`${seed}:${event}`)();
    for (let back = SEEDED_WEEKS - 1; back >= 0; back--) {
      const weekStart = currentWeek - back * WEEK_MS;
      const random = prng(`${seed}:${event}:${weekStart}`);
      const count = Math.max(1, Math.round(users * popularity * (0.8 + 0.4 * random())));
      const at = new Date(Math.min(now.getTime(), weekStart + MID_WEEK_MS));
      uniques.push({ event, at, userIds: pickUsers(random, users, count) });
    }
  }
  const counters = [...counterKeys].sort().map((key) => {
    const random = prng(`${seed}:${key}`);
    return { key, by: 1 + Math.floor(users * 5 * random()) };
  });
  return { uniques, counters };
}
