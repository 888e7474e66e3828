import { float8ArrayBinary, int4ArrayBinary } from './binary-array';

/** Reads back what array_recv would: the element oid and the elements. */
function decode(buf: Buffer, elementBytes: 4 | 8): { oid: number; elements: number[] } {
  const ndim = buf.readInt32BE(0);
  const oid = buf.readUInt32BE(8);
  if (ndim === 0) return { oid, elements: [] };
  expect([ndim, buf.readInt32BE(4), buf.readInt32BE(16)]).toEqual([1, 0, 1]);
  const elements: number[] = [];
  for (let i = 0, offset = 20; i < buf.readInt32BE(12); i++, offset += 4 + elementBytes) {
    expect(buf.readInt32BE(offset)).toBe(elementBytes);
    elements.push(elementBytes === 4 ? buf.readInt32BE(offset + 4) : buf.readDoubleBE(offset + 4));
  }
  return { oid, elements };
}

describe('binary arrays', () => {
  it.each([[[]], [[1, 2, 2_147_483_647, -5]]])('integer[] %j', (numbers) => {
    expect(decode(int4ArrayBinary(numbers), 4)).toEqual({ oid: 23, elements: numbers });
  });

  it('float8[] keeps every double and writes -0 as 0, as the decimal text did', () => {
    const { oid, elements } = decode(float8ArrayBinary([1, -2, 0.1, 1e21, 2 ** 63, 5e-324, -0]), 8);
    expect(oid).toBe(701);
    expect(elements).toEqual([1, -2, 0.1, 1e21, 2 ** 63, 5e-324, 0]);
    expect(Object.is(elements[6], 0)).toBe(true);
  });

  it('float8[] of nothing is the empty array', () => {
    expect(decode(float8ArrayBinary([]), 8)).toEqual({ oid: 701, elements: [] });
  });
});
