/**
 * A servping sketch in transit (BullMQ return values, persisted aggregates). `data` is base64 of:
 *
 *   byte 0 = 0x01 (sparse): then one 3-byte big-endian word per non-empty register, registers
 *            strictly ascending, word = reg << 6 | rank (reg 0..16383, rank 1..51). An empty
 *            sketch is the single byte 0x01.
 *   byte 0 = 0x02 (dense):  then 12 288 bytes, register j in bits 6j..6j+5 packed LSB-first, the
 *            same layout as Redis's dense registers (research/hll.md §2).
 *
 * Sparse is chosen while it is smaller (fewer than 4 096 registers set, i.e. up to roughly 4 500
 * distinct values), so small counts ship as a few hundred bytes instead of 16 KiB.
 */
import { ServpingError } from '../errors';
import type { SerializedSketch } from '../payload/metric-result';
import { SERVPING_SKETCH_FORMAT_ID } from './register-sql';
import { assertSketch, HLL_MAX_RANK, HLL_REGISTER_COUNT } from './registers';
import { packRegisters, unpackRegisters, PACKED_REGISTER_BYTES } from './six-bit-packing';

const SPARSE = 0x01;
const DENSE = 0x02;
const SPARSE_ENTRY_BYTES = 3;

/** Encodes registers (rank ≤ 51 each) as `{ format: 'pg-hashextended-p14-v1', data }`. */
export function serializeSketch(registers: Uint8Array): SerializedSketch {
  assertSketch(registers);
  let used = 0;
  for (const rank of registers) {
    if (rank > HLL_MAX_RANK) throw formatError(`register rank ${rank} above ${HLL_MAX_RANK}`);
    if (rank > 0) used++;
  }
  const bytes =
    used * SPARSE_ENTRY_BYTES < PACKED_REGISTER_BYTES
      ? encodeSparse(registers, used)
      : encodeDense(registers);
  return { format: SERVPING_SKETCH_FORMAT_ID, data: Buffer.from(bytes).toString('base64') };
}

/** Decodes `serializeSketch` output; throws SERVPING_SKETCH_FORMAT for another format or corrupt data. */
export function deserializeSketch(sketch: SerializedSketch): Uint8Array {
  if (sketch.format !== SERVPING_SKETCH_FORMAT_ID) {
    throw formatError(`unknown sketch format "${sketch.format}", expected "${SERVPING_SKETCH_FORMAT_ID}"`);
  }
  const bytes = decodeBase64(sketch.data);
  if (bytes[0] === SPARSE) return decodeSparse(bytes);
  if (bytes[0] === DENSE) return decodeDense(bytes);
  throw formatError(`unknown sketch encoding byte ${String(bytes[0])}`);
}

function encodeSparse(registers: Uint8Array, used: number): Uint8Array {
  const out = new Uint8Array(1 + used * SPARSE_ENTRY_BYTES);
  out[0] = SPARSE;
  let at = 1;
  registers.forEach((rank, reg) => {
    if (rank === 0) return;
    const word = (reg << 6) | rank;
    out[at] = word >>> 16;
    out[at + 1] = (word >>> 8) & 0xff;
    out[at + 2] = word & 0xff;
    at += SPARSE_ENTRY_BYTES;
  });
  return out;
}

function encodeDense(registers: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + PACKED_REGISTER_BYTES);
  out[0] = DENSE;
  out.set(packRegisters(registers), 1);
  return out;
}

function decodeSparse(bytes: Uint8Array): Uint8Array {
  if ((bytes.length - 1) % SPARSE_ENTRY_BYTES !== 0) throw formatError('sparse sketch has a partial entry');
  const registers = new Uint8Array(HLL_REGISTER_COUNT);
  let previous = -1;
  for (let at = 1; at < bytes.length; at += SPARSE_ENTRY_BYTES) {
    const word = (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!;
    const reg = word >>> 6;
    const rank = word & 63;
    if (reg <= previous || reg >= HLL_REGISTER_COUNT)
      throw formatError('sparse sketch registers out of order');
    if (rank < 1 || rank > HLL_MAX_RANK) throw formatError(`sparse sketch rank ${rank} outside 1..51`);
    registers[reg] = rank;
    previous = reg;
  }
  return registers;
}

function decodeDense(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 1 + PACKED_REGISTER_BYTES) {
    throw formatError(`dense sketch has ${bytes.length - 1} bytes, expected ${PACKED_REGISTER_BYTES}`);
  }
  const registers = unpackRegisters(bytes.subarray(1));
  const bad = registers.findIndex((rank) => rank > HLL_MAX_RANK);
  if (bad >= 0) throw formatError(`dense sketch register ${bad} has rank ${registers[bad]!}`);
  return registers;
}

function decodeBase64(data: string): Uint8Array {
  const bytes = Buffer.from(data, 'base64');
  // Buffer skips characters it does not understand; re-encoding exposes any that were dropped.
  if (bytes.length === 0 || bytes.toString('base64') !== data)
    throw formatError('sketch data is not valid base64');
  return new Uint8Array(bytes);
}

function formatError(message: string): ServpingError {
  return new ServpingError('SERVPING_SKETCH_FORMAT', message);
}
