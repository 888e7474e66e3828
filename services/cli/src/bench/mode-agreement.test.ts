import { compareValues } from './mode-agreement';

describe('compareValues', () => {
  it('counts equal and differing values, skipping the named and the missing key paths', () => {
    const a = { x: 1, y: { '1': 2, '2': 3 }, z: 0.1 + 0.2, e: 1000, s: 'pg', m: 4, only: 1 };
    const b = { x: 1, y: { '1': 2, '2': 4 }, z: 0.3, e: 990, s: 'pg', m: 5 };
    expect(compareValues(a, b, new Set(['e']))).toEqual({
      compared: 5,
      mismatched: 2,
      examples: [
        { keyPath: 'y', a: { '1': 2, '2': 3 }, b: { '1': 2, '2': 4 } },
        { keyPath: 'm', a: 4, b: 5 },
      ],
    });
  });

  it('treats a missing group key as a difference', () => {
    expect(compareValues({ g: { a: 1 } }, { g: { a: 1, b: 0 } }).mismatched).toBe(1);
  });
});
