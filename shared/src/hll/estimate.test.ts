import { expect } from '@jest/globals';
import { estimate } from './estimate';
import { emptyRegisters, HLL_REGISTER_COUNT } from './registers';

function sketchOf(rankAt: (register: number) => number): Uint8Array {
  return Uint8Array.from({ length: HLL_REGISTER_COUNT }, (_, j) => rankAt(j));
}

describe('estimate (Ertl improved raw estimator, p=14)', () => {
  it('gives 0 for an empty sketch', () => {
    expect(estimate(emptyRegisters())).toBe(0);
  });

  // Expected values: PFCOUNT of Redis 7.0.15 after SET of a dense HYLL string holding these registers.
  it.each([
    ['one register at rank 1', (j: number) => (j === 0 ? 1 : 0), 1],
    ['ten registers at rank 3', (j: number) => (j < 10 ? 3 : 0), 10],
    ['every other register at rank 1', (j: number) => j % 2, 10360],
    ['all registers at rank 1', () => 1, 23637],
    ['ranks cycling 1..51', (j: number) => (j % 51) + 1, 601352],
    ['one empty register, the rest at rank 10', (j: number) => (j === 0 ? 0 : 10), 11390922],
    ['all registers at rank 20', () => 20, 12392656037],
    ['one register at rank 1, the rest at 51', (j: number) => (j === 0 ? 1 : 51), 387270501],
  ])('matches Redis PFCOUNT for %s', (_name, rankAt, expected) => {
    expect(estimate(sketchOf(rankAt))).toBe(expected);
  });

  it('rejects a sketch of the wrong size', () => {
    expect(() => estimate(new Uint8Array(512))).toThrow(
      expect.objectContaining({ code: 'SERVPING_SKETCH_FORMAT' }),
    );
  });
});
