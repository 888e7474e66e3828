import { expect } from '@jest/globals';
import { applyRegisterText, emptyRegisters, mergeRegisters, rankOf } from './registers';

describe('rankOf', () => {
  it.each([
    [0, 51],
    [1, 50],
    [2, 49],
    [3, 49],
    [2 ** 31, 19],
    [2 ** 32 - 1, 19],
    [2 ** 32, 18],
    [2 ** 49 - 1, 2],
    [2 ** 49, 1],
    [2 ** 50 - 1, 1],
  ])('w=%d has rank %d', (w, rank) => {
    expect(rankOf(w)).toBe(rank);
  });
});

describe('applyRegisterText', () => {
  it('keeps the largest rank per register from "reg:w" pairs', () => {
    const registers = emptyRegisters();
    const returned = applyRegisterText(registers, '0:1125899906842623,5:0,16383:4294967296');
    applyRegisterText(registers, '0:3,5:1');
    expect(returned).toBe(registers);
    expect([registers[0], registers[5], registers[16383], registers[1]]).toEqual([49, 51, 18, 0]);
  });

  it.each([null, undefined, ''])('leaves the sketch empty for an empty batch (%p)', (packed) => {
    expect(applyRegisterText(emptyRegisters(), packed).every((r) => r === 0)).toBe(true);
  });

  it.each(['16384:1', '-1:1', '1.5:1', '0:1125899906842624', '0:-1', '0:1e3', '0:', '0', ':5', '0:1,,1:1'])(
    'rejects the malformed text %j',
    (packed) => {
      expect(() => applyRegisterText(emptyRegisters(), packed)).toThrow(
        expect.objectContaining({ code: 'SERVPING_SKETCH_FORMAT' }),
      );
    },
  );
});

describe('mergeRegisters', () => {
  it('returns a new array with the per-register maximum and leaves the inputs alone', () => {
    const a = emptyRegisters();
    const b = emptyRegisters();
    a.set([3, 0, 7], 0);
    b.set([1, 4, 7], 0);
    const merged = mergeRegisters(a, b);
    expect(Array.from(merged.subarray(0, 4))).toEqual([3, 4, 7, 0]);
    expect(Array.from(a.subarray(0, 3))).toEqual([3, 0, 7]);
    expect(merged).not.toBe(a);
  });

  it('refuses sketches of another size', () => {
    expect(() => mergeRegisters(emptyRegisters(), new Uint8Array(10))).toThrow(
      expect.objectContaining({ code: 'SERVPING_SKETCH_FORMAT' }),
    );
  });
});
