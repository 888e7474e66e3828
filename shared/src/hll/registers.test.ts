import { applyRegisterRows, emptyRegisters, mergeRegisters, rankOf } from './registers';

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

describe('applyRegisterRows', () => {
  it('keeps the largest rank per register, accepting bigint strings from pg', () => {
    const registers = emptyRegisters();
    const returned = applyRegisterRows(registers, [
      { reg: 0, w: '1125899906842623' },
      { reg: 5, w: '0' },
      { reg: 16383, w: 4294967296 },
    ]);
    applyRegisterRows(registers, [
      { reg: 0, w: '3' },
      { reg: 5, w: '1' },
    ]);
    expect(returned).toBe(registers);
    expect([registers[0], registers[5], registers[16383], registers[1]]).toEqual([49, 51, 18, 0]);
  });

  it.each([
    [{ reg: 16384, w: '1' }],
    [{ reg: -1, w: '1' }],
    [{ reg: 1.5, w: '1' }],
    [{ reg: 0, w: '1125899906842624' }],
    [{ reg: 0, w: '-1' }],
    [{ reg: 0, w: '1e3' }],
    [{ reg: 0, w: '' }],
  ])('rejects the malformed row %j', (row) => {
    expect(() => applyRegisterRows(emptyRegisters(), [row])).toThrow(
      expect.objectContaining({ code: 'SERVPING_SKETCH_FORMAT' }),
    );
  });
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
