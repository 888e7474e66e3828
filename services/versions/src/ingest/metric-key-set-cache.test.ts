import { hashKeyIds, MetricKeySetCache } from './metric-key-set-cache';

/**
 * Two arrays of the same hash: the second id undoes the difference the first one made
 * (50542217 = 200000 ^ fnv([1]) ^ fnv([2]) before the last multiplication).
 */
const COLLIDING: [number[], number[]] = [
  [1, 200000],
  [2, 50542217],
];

describe('hashKeyIds', () => {
  // Expected values computed apart (Python: h = (h ^ id) * 0x01000193 mod 2^32 from 0x811c9dc5).
  it.each([
    ['nothing: the offset basis', [], 2166136261],
    ['one id', [1], 67918732],
    ['two ids', [1, 2], 3983810698],
    ['ids past 16 bits', [3000, 70000], 1092154645],
    ['the largest id', [2147483647], 2046009678],
  ])('%s', (_name, keyIds, hash) => {
    expect(hashKeyIds(keyIds)).toBe(hash);
  });

  it('tells apart arrays that differ in order or length', () => {
    expect(
      new Set([hashKeyIds([1, 2]), hashKeyIds([2, 1]), hashKeyIds([1, 2, 0]), hashKeyIds([1])]).size,
    ).toBe(4);
  });
});

describe('MetricKeySetCache', () => {
  it('answers the id of an array it was given, compared by content', () => {
    const cache = new MetricKeySetCache({ maxCachedKeyIds: 100 });
    expect(cache.idOf([1, 2, 3])).toBeUndefined();
    const keyIds = [1, 2, 3];
    cache.remember(keyIds, 7);
    keyIds.push(4);
    expect(cache.idOf([1, 2, 3])).toBe(7);
    expect(cache.idOf([1, 2, 3, 4])).toBeUndefined();
    expect(cache.idOf([1, 2])).toBeUndefined();
    expect(cache.size).toBe(3);
  });

  it('never answers the id of another array of the same hash; the newer one replaces it', () => {
    const [a, b] = COLLIDING;
    expect(hashKeyIds(a)).toBe(hashKeyIds(b));
    const cache = new MetricKeySetCache({ maxCachedKeyIds: 100 });
    cache.remember(a, 1);
    expect(cache.idOf(b)).toBeUndefined();
    cache.remember(b, 2);
    expect(cache.idOf(b)).toBe(2);
    expect(cache.idOf(a)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('keeps at most maxCachedKeyIds ids, dropping the sets least recently used', () => {
    const cache = new MetricKeySetCache({ maxCachedKeyIds: 6 });
    cache.remember([1, 2], 1);
    cache.remember([3, 4], 2);
    cache.remember([5, 6], 3);
    expect(cache.idOf([1, 2])).toBe(1);
    cache.remember([7, 8, 9], 4);
    expect(cache.size).toBe(5);
    expect(
      [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8, 9],
      ].map((ids) => cache.idOf(ids)),
    ).toEqual([1, undefined, undefined, 4]);
  });

  it('does not keep an array longer than the whole bound', () => {
    const cache = new MetricKeySetCache({ maxCachedKeyIds: 2 });
    cache.remember([1], 1);
    cache.remember([1, 2, 3], 2);
    expect(cache.idOf([1, 2, 3])).toBeUndefined();
    expect(cache.idOf([1])).toBe(1);
    expect(cache.size).toBe(1);
  });
});
