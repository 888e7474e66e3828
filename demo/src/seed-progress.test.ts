import { formatSeedProgress } from './seed-progress';

describe('formatSeedProgress', () => {
  it.each([
    [{ phase: 'load', done: 1_200_000, total: 10_000_000 }, 'load 1200000/10000000 rows (12%)'],
    [{ phase: 'index', done: 43, total: 43 }, 'index 43/43 indexes (100%)'],
    [{ phase: 'truncate', done: 0, total: 1 }, 'truncate 0/1 (0%)'],
    [{ phase: 'index', done: 0, total: 0 }, 'index 0/0 indexes (100%)'],
  ] as const)('%j → %s', (progress, line) => {
    expect(formatSeedProgress(progress)).toBe(line);
  });
});
