import { expect } from '@jest/globals';
import { decodeRedisHll } from './redis-hll';

const header = (encoding: number) => [0x48, 0x59, 0x4c, 0x4c, encoding, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80];
const sparse = (...opcodes: number[]) => Uint8Array.from([...header(1), ...opcodes]);
const code = { code: 'SERVPING_SKETCH_FORMAT' };

describe('decodeRedisHll', () => {
  it('decodes sparse opcodes: XZERO, VAL runs and ZERO', () => {
    // XZERO 100 zeros (len-1 = 99 = 0x0063), VAL value 5 run 2 (1 00100 01), ZERO 64, XZERO the rest.
    const rest = 16384 - 100 - 2 - 64 - 1;
    const registers = decodeRedisHll(
      sparse(0x40, 0x63, 0b10010001, 0x3f, 0b10000000, 0x40 | ((rest - 1) >> 8), (rest - 1) & 0xff),
    );
    expect(registers).toHaveLength(16384);
    expect(Array.from(registers.subarray(99, 103))).toEqual([0, 5, 5, 0]);
    expect(registers[166]).toBe(1);
    expect(registers.reduce((sum, rank) => sum + rank, 0)).toBe(11);
  });

  it('decodes the dense 6-bit layout', () => {
    const bytes = new Uint8Array(16 + 12288);
    bytes.set(header(0));
    // register 0 = 51 (bits 0..5), register 1 = 2 (bits 6..11): byte0 = 51 | (2 << 6), byte1 = 2 >> 2
    bytes[16] = 51 | ((2 << 6) & 0xff);
    bytes[17] = 0;
    bytes[16 + 12287] = 17 << 2; // register 16383 sits in the top 6 bits of the last byte
    const registers = decodeRedisHll(bytes);
    expect([registers[0], registers[1], registers[2], registers[16383]]).toEqual([51, 2, 0, 17]);
  });

  it.each([
    ['a short buffer', Uint8Array.from([0x48, 0x59])],
    [
      'a wrong magic',
      Uint8Array.from([0x48, 0x59, 0x4c, 0x4d, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff]),
    ],
    ['an unknown encoding', Uint8Array.from([...header(2), 0x7f, 0xff])],
    ['a truncated dense body', Uint8Array.from([...header(0), 1, 2, 3])],
    ['sparse covering too few registers', sparse(0x3f)],
    ['sparse covering too many registers', sparse(0x7f, 0xff, 0x00)],
    ['sparse ending inside XZERO', sparse(0x7f)],
  ])('rejects %s', (_name, bytes) => {
    expect(() => decodeRedisHll(bytes)).toThrow(expect.objectContaining(code));
  });

  it('rejects a dense register above 51, which Redis itself would accept', () => {
    const bytes = new Uint8Array(16 + 12288);
    bytes.set(header(0));
    bytes[16] = 63;
    expect(() => decodeRedisHll(bytes)).toThrow(expect.objectContaining(code));
  });
});
