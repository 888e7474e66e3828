/**
 * Reads the string Redis stores for a HyperLogLog key (`GET key` as bytes), both encodings, per
 * src/hyperloglog.c as verified in research/hll.md §2. Redis sketches use MurmurHash64A and their
 * own rank convention: never merge them with servping's PostgreSQL sketches.
 */
import { ServpingError } from '../errors';
import { HLL_MAX_RANK, HLL_REGISTER_COUNT } from './registers';
import { PACKED_REGISTER_BYTES, unpackRegisters } from './six-bit-packing';

const HEADER_BYTES = 16;
const MAGIC = [0x48, 0x59, 0x4c, 0x4c]; // "HYLL"
const ENCODING_DENSE = 0;
const ENCODING_SPARSE = 1;

/**
 * Registers (16 384, rank 0..51) of a Redis HLL string. Throws SERVPING_SKETCH_FORMAT for a bad
 * header, a dense body that is not exactly 12 288 bytes, sparse opcodes that do not cover exactly
 * 16 384 registers, or a rank above 51 (Redis accepts those silently; no real PFADD makes one).
 */
export function decodeRedisHll(buf: Uint8Array): Uint8Array {
  if (buf.length < HEADER_BYTES || MAGIC.some((byte, i) => buf[i] !== byte)) {
    throw formatError('not a Redis HyperLogLog string (no HYLL header)');
  }
  const body = buf.subarray(HEADER_BYTES);
  const encoding = buf[4]!;
  if (encoding !== ENCODING_DENSE && encoding !== ENCODING_SPARSE) {
    throw formatError(`unknown Redis HLL encoding ${encoding}`);
  }
  const registers = encoding === ENCODING_DENSE ? decodeDense(body) : decodeSparse(body);
  const bad = registers.findIndex((rank) => rank > HLL_MAX_RANK);
  if (bad >= 0)
    throw formatError(`Redis HLL register ${bad} has rank ${registers[bad]!} above ${HLL_MAX_RANK}`);
  return registers;
}

function decodeDense(body: Uint8Array): Uint8Array {
  if (body.length !== PACKED_REGISTER_BYTES) {
    throw formatError(`dense Redis HLL has ${body.length} register bytes, expected ${PACKED_REGISTER_BYTES}`);
  }
  return unpackRegisters(body);
}

/**
 * Sparse opcodes, purely positional: ZERO `00xxxxxx` = x+1 empty registers, XZERO `01xxxxxx
 * yyyyyyyy` = (x<<8 | y)+1 empty registers, VAL `1vvvvvxx` = x+1 registers of value v+1.
 */
function decodeSparse(body: Uint8Array): Uint8Array {
  const registers = new Uint8Array(HLL_REGISTER_COUNT);
  let reg = 0;
  let at = 0;
  while (at < body.length) {
    const op = body[at]!;
    let run: number;
    if ((op & 0xc0) === 0x00) {
      run = (op & 0x3f) + 1;
      at += 1;
    } else if ((op & 0xc0) === 0x40) {
      if (at + 1 >= body.length) throw formatError('sparse Redis HLL ends inside an XZERO opcode');
      run = (((op & 0x3f) << 8) | body[at + 1]!) + 1;
      at += 2;
    } else {
      run = (op & 0x03) + 1;
      if (reg + run <= HLL_REGISTER_COUNT) registers.fill(((op >> 2) & 0x1f) + 1, reg, reg + run);
      at += 1;
    }
    reg += run;
    if (reg > HLL_REGISTER_COUNT) throw formatError('sparse Redis HLL covers more than 16384 registers');
  }
  if (reg !== HLL_REGISTER_COUNT)
    throw formatError(`sparse Redis HLL covers ${reg} registers, expected 16384`);
  return registers;
}

function formatError(message: string): ServpingError {
  return new ServpingError('SERVPING_SKETCH_FORMAT', message);
}
