import { CounterConfigError, ServpingError } from '../errors';
import type { ResultRow } from './result-row';

/**
 * An exact set of integers as 32-bit words: value v is bit `v & 31` of word `v >> 5` (floor
 * division, so negative values map one-to-one too). Words are keyed by their decimal text, so
 * values up to ±2⁶³ (whose words pass 2⁵³) stay exact. A batch returns only the words it touched,
 * sets of batches and shards union by OR, and the distinct count is the number of set bits: an
 * exact distinct count that batches over the primary key like a plain count, where GitLab's
 * counter must batch over the counted column's value ranges, and each of those batches reads rows
 * scattered over the whole table when the column does not follow the physical order.
 */
export type DistinctBits = Map<string, number>;

/** One set's words as they travel in JSON: parallel arrays, words (decimal text) ascending. */
export interface DistinctBitsWire {
  words: string[];
  bits: number[];
}

/**
 * Words one set may hold: 2²¹ words cover 67 million dense values (fewer sparse ones) in about
 * 50 MB of worker memory. A column with more is refused with a message naming the limit (the metric falls back)
 * rather than exhausting the worker.
 */
export const MAX_DISTINCT_WORDS = 2 ** 21;

/** The set of the rows `(word, bits)` of one bitmap batch statement. */
export function bitsFromRows(rows: readonly ResultRow[]): DistinctBits {
  const out: DistinctBits = new Map();
  for (const row of rows) orWord(out, wordOf(row.word), integerOf(row.bits, 'bits') | 0);
  return out;
}

/** The union of two sets, as a new set; neither input is modified. */
export function unionBits(a: DistinctBits, b: DistinctBits): DistinctBits {
  const [larger, smaller] = a.size >= b.size ? [a, b] : [b, a];
  const out: DistinctBits = new Map(larger);
  for (const [word, bits] of smaller) orWord(out, word, bits);
  return out;
}

/** How many distinct values the set holds. */
export function countBits(set: DistinctBits): number {
  let total = 0;
  for (const bits of set.values()) total += popcount(bits);
  return total;
}

export function bitsToWire(set: DistinctBits): DistinctBitsWire {
  const words = [...set.keys()].sort((x, y) => {
    const [a, b] = [BigInt(x), BigInt(y)];
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return { words, bits: words.map((word) => set.get(word)!) };
}

/** The set back from its wire form; throws SERVPING_AGGREGATION for a malformed one. */
export function bitsFromWire(wire: DistinctBitsWire): DistinctBits {
  if (!Array.isArray(wire?.words) || !Array.isArray(wire.bits) || wire.words.length !== wire.bits.length) {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      'a distinct-bits partial needs words and bits of equal length',
    );
  }
  const out: DistinctBits = new Map();
  wire.words.forEach((word, i) => orWord(out, wordOf(word), integerOf(wire.bits[i], 'bits') | 0));
  return out;
}

function orWord(set: DistinctBits, word: string, bits: number): void {
  const before = set.get(word);
  if (before === undefined && set.size >= MAX_DISTINCT_WORDS) {
    throw new CounterConfigError(
      `more than ${MAX_DISTINCT_WORDS * 32} distinct values span the counted column; an exact distinct count would not fit in worker memory`,
    );
  }
  set.set(word, (before ?? 0) | bits);
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A word's canonical decimal text (pg returns bigint as text; a number must be a safe integer). */
function wordOf(raw: unknown): string {
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return BigInt(raw).toString();
  return String(integerOf(raw, 'word'));
}

function integerOf(raw: unknown, column: string): number {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `distinct-bits column ${column} is not a safe integer: ${String(raw)}`,
    );
  }
  return value;
}
