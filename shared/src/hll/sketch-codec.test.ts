import { expect } from '@jest/globals';
import { emptyRegisters } from './registers';
import { deserializeSketch, serializeSketch } from './sketch-codec';

const FORMAT = 'pg-hashextended-p14-v1';
const code = { code: 'SERVPING_SKETCH_FORMAT' };

function sketchWith(entries: [number, number][]): Uint8Array {
  const registers = emptyRegisters();
  for (const [reg, rank] of entries) registers[reg] = rank;
  return registers;
}

describe('serializeSketch', () => {
  it.each([
    ['an empty sketch', sketchWith([]), 'AQ=='],
    // 0x01, then (0 << 6 | 1) = 00 00 01, then (16383 << 6 | 51) = 0F FF F3
    [
      'two registers, sparse',
      sketchWith([
        [0, 1],
        [16383, 51],
      ]),
      'AQAAAQ//8w==',
    ],
  ])('encodes %s exactly', (_name, registers, data) => {
    expect(serializeSketch(registers)).toEqual({ format: FORMAT, data });
  });

  it('switches to the dense 6-bit form once sparse would be larger', () => {
    const sparse = serializeSketch(
      sketchWith(Array.from({ length: 4095 }, (_, i): [number, number] => [i, 7])),
    );
    const dense = serializeSketch(
      sketchWith(Array.from({ length: 4096 }, (_, i): [number, number] => [i, 7])),
    );
    expect(Buffer.from(sparse.data, 'base64')).toHaveLength(1 + 4095 * 3);
    expect(Buffer.from(dense.data, 'base64')).toHaveLength(1 + 12288);
    expect(Buffer.from(dense.data, 'base64')[0]).toBe(2);
  });

  it('round-trips sparse and dense sketches unchanged', () => {
    const few = sketchWith([
      [7, 3],
      [100, 51],
      [9000, 1],
    ]);
    const full = Uint8Array.from({ length: 16384 }, (_, j) => (j * 7) % 52);
    expect(deserializeSketch(serializeSketch(few))).toEqual(few);
    expect(deserializeSketch(serializeSketch(full))).toEqual(full);
  });

  it('refuses ranks a 64-bit hash cannot produce', () => {
    expect(() => serializeSketch(sketchWith([[0, 52]]))).toThrow(expect.objectContaining(code));
  });
});

describe('deserializeSketch', () => {
  const dense = (patch: (bytes: Buffer) => void) => {
    const bytes = Buffer.alloc(1 + 12288);
    bytes[0] = 2;
    patch(bytes);
    return bytes.toString('base64');
  };

  it.each([
    ['an unknown format', { format: 'redis-murmur64a-p14', data: 'AQ==' }],
    ['invalid base64', { format: FORMAT, data: 'AQ=*' }],
    ['empty data', { format: FORMAT, data: '' }],
    ['an unknown encoding byte', { format: FORMAT, data: 'Aw==' }],
    ['a partial sparse entry', { format: FORMAT, data: Buffer.from([1, 0, 0]).toString('base64') }],
    [
      'sparse registers out of order',
      { format: FORMAT, data: Buffer.from([1, 0, 0x40, 1, 0, 0, 1]).toString('base64') },
    ],
    ['a sparse rank of 0', { format: FORMAT, data: Buffer.from([1, 0, 0, 0]).toString('base64') }],
    ['a sparse rank of 52', { format: FORMAT, data: Buffer.from([1, 0, 0, 52]).toString('base64') }],
    ['a truncated dense body', { format: FORMAT, data: Buffer.from([2, 0, 0]).toString('base64') }],
    ['a dense rank of 63', { format: FORMAT, data: dense((b) => (b[1] = 63)) }],
  ])('rejects %s', (_name, sketch) => {
    expect(() => deserializeSketch(sketch)).toThrow(expect.objectContaining(code));
  });
});
