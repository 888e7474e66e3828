import { CounterConfigError, ServpingError } from '../errors';
import {
  bitsFromRows,
  bitsFromWire,
  bitsToWire,
  countBits,
  unionBits,
  MAX_DISTINCT_WORDS,
  type DistinctBits,
} from './distinct-bits';

/** The rows the bitmap batch statement returns for `values`, computed the way PostgreSQL does. */
function rowsOf(values: readonly number[]) {
  const words = new Map<number, number>();
  for (const v of values) {
    const word = Math.floor(v / 32);
    words.set(word, (words.get(word) ?? 0) | (1 << (((v % 32) + 32) % 32)));
  }
  // pg returns bigint words as strings and int4 bits as numbers.
  return [...words].map(([word, bits]) => ({ word: String(word), bits }));
}

describe('distinct bits', () => {
  it('counts each distinct value once, including bit 31 (a negative int4) and negative values', () => {
    const values = [0, 1, 31, 32, 63, 64, 1_000_003, -1, -32, -33, 2 ** 40 + 5];
    expect(countBits(bitsFromRows(rowsOf(values)))).toBe(values.length);
  });

  it('unions batches exactly, whatever their overlap, without modifying either input', () => {
    const a = bitsFromRows(rowsOf([1, 2, 3, 100, 200]));
    const b = bitsFromRows(rowsOf([3, 100, 300, 31]));
    const before = bitsToWire(a);
    const union = unionBits(a, b);
    expect(countBits(union)).toBe(7);
    expect(bitsToWire(a)).toEqual(before);
    expect(countBits(b)).toBe(4);
  });

  it('matches a Set on 20 000 random values split over uneven batches', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const values = Array.from({ length: 20_000 }, () => random() % 50_000);
    let acc: DistinctBits = new Map();
    for (let i = 0; i < values.length; i += 1_337)
      acc = unionBits(acc, bitsFromRows(rowsOf(values.slice(i, i + 1_337))));
    expect(countBits(acc)).toBe(new Set(values).size);
  });

  it('survives the JSON wire form', () => {
    const set = bitsFromRows(rowsOf([5, 6, 7, 1_000, -3]));
    const wire = JSON.parse(JSON.stringify(bitsToWire(set))) as ReturnType<typeof bitsToWire>;
    expect(countBits(bitsFromWire(wire))).toBe(5);
    expect(wire.words).toEqual(['-1', '0', '31']);
  });

  it.each([
    ['unequal arrays', { words: [1, 2], bits: [1] }],
    ['a non-integer word', { words: [1.5], bits: [1] }],
    ['missing arrays', {}],
  ])('refuses a malformed wire form: %s', (_name, wire) => {
    expect(() => bitsFromWire(wire as never)).toThrow(ServpingError);
  });

  it('keeps words past 2⁵³ exact: values near 2⁶³ − 1 and −2⁶³ are distinct', () => {
    const set = bitsFromRows([
      { word: '288230376151711743', bits: 0b11 },
      { word: '288230376151711742', bits: 1 },
      { word: '-288230376151711744', bits: 1 },
    ]);
    expect(countBits(set)).toBe(4);
    expect(bitsToWire(set).words).toEqual([
      '-288230376151711744',
      '288230376151711742',
      '288230376151711743',
    ]);
  });

  it(`refuses a set past ${MAX_DISTINCT_WORDS} words with a message naming the limit`, () => {
    const words = Array.from({ length: MAX_DISTINCT_WORDS + 1 }, (_, i) => String(i));
    expect(() => bitsFromWire({ words, bits: words.map(() => 1) })).toThrow(CounterConfigError);
  });
});
