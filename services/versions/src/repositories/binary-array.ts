/**
 * One-dimensional PostgreSQL arrays in the binary wire format (array_recv), for bound parameters.
 * node-postgres sends a Buffer parameter as binary, so with `?::integer[]` / `?::float8[]` the
 * server copies 4 or 8 bytes per element instead of parsing decimal text: for a ping's ~3 000
 * values that was ~0.3 ms of PostgreSQL CPU (strtod per element) and ~0.1 ms in Node (number to
 * text), issue 16.
 *
 * Layout: ndim, has-null flag, element type oid, then per dimension its length and lower bound,
 * then per element its byte length and bytes, all big-endian.
 */
const INT4_OID = 23;
const FLOAT8_OID = 701;
const HEADER_BYTES = 20;

/** `integer[]` of `numbers` (each a 32-bit integer). */
export function int4ArrayBinary(numbers: readonly number[]): Buffer {
  const buf = arrayHeader(INT4_OID, numbers.length, 4);
  let offset = HEADER_BYTES;
  for (const n of numbers) {
    buf.writeInt32BE(4, offset);
    buf.writeInt32BE(n, offset + 4);
    offset += 8;
  }
  return buf;
}

/**
 * `float8[]` of `numbers` (finite). A negative zero is written as 0, as its decimal text ("0")
 * was, so either format stores the same values.
 */
export function float8ArrayBinary(numbers: readonly number[]): Buffer {
  const buf = arrayHeader(FLOAT8_OID, numbers.length, 8);
  let offset = HEADER_BYTES;
  for (const n of numbers) {
    buf.writeInt32BE(8, offset);
    buf.writeDoubleBE(n + 0, offset + 4);
    offset += 12;
  }
  return buf;
}

/** The header of an array of `length` elements; an empty array has no dimension (as PostgreSQL writes it). */
function arrayHeader(elementOid: number, length: number, elementBytes: number): Buffer {
  if (length === 0) {
    const empty = Buffer.alloc(12);
    empty.writeUInt32BE(elementOid, 8);
    return empty;
  }
  const buf = Buffer.allocUnsafe(HEADER_BYTES + length * (4 + elementBytes));
  buf.writeInt32BE(1, 0); // dimensions
  buf.writeInt32BE(0, 4); // no NULL elements
  buf.writeUInt32BE(elementOid, 8);
  buf.writeInt32BE(length, 12);
  buf.writeInt32BE(1, 16); // lower bound
  return buf;
}
