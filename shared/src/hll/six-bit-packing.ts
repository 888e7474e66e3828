/**
 * 16 384 six-bit registers in 12 288 bytes, register j at bits 6j..6j+5 packed LSB-first: Redis's
 * dense HYLL layout, reused by the servping sketch codec so both read the same way.
 */
import { HLL_REGISTER_COUNT } from './registers';

/** Bytes of 16 384 registers at 6 bits each. */
export const PACKED_REGISTER_BYTES = (HLL_REGISTER_COUNT * 6) / 8;

/** Packs registers (each ≤ 63; higher bits are dropped) into 12 288 bytes. */
export function packRegisters(registers: Uint8Array): Uint8Array {
  // One spare byte so the high half of the last register never needs a bounds check.
  const out = new Uint8Array(PACKED_REGISTER_BYTES + 1);
  for (let j = 0; j < HLL_REGISTER_COUNT; j++) {
    const value = registers[j]! & 63;
    const byte = (j * 6) >> 3;
    const shift = (j * 6) & 7;
    out[byte]! |= value << shift;
    out[byte + 1]! |= value >> (8 - shift);
  }
  return out.subarray(0, PACKED_REGISTER_BYTES);
}

/** Unpacks 12 288 bytes into 16 384 registers (0..63); the caller checked the length. */
export function unpackRegisters(packed: Uint8Array): Uint8Array {
  const registers = new Uint8Array(HLL_REGISTER_COUNT);
  for (let j = 0; j < HLL_REGISTER_COUNT; j++) {
    const byte = (j * 6) >> 3;
    const shift = (j * 6) & 7;
    const next = byte + 1 < packed.length ? packed[byte + 1]! : 0;
    registers[j] = ((packed[byte]! >> shift) | (next << (8 - shift))) & 63;
  }
  return registers;
}
