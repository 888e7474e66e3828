import { expect } from '@jest/globals';
import { estimate } from './estimate';
import { emptyRegisters } from './registers';
import {
  intersectionEstimate,
  intersectionEstimateAsync,
  nonEmptySubsets,
  unionEstimate,
} from './set-operations';

function unionsFrom(table: Record<string, number>) {
  const asked: string[] = [];
  const union = (subset: number[]) => {
    const key = subset.join(',');
    asked.push(key);
    const value = table[key];
    if (value === undefined) throw new Error(`no union for ${key}`);
    return value;
  };
  return { union, asked };
}

describe('intersectionEstimate (inclusion–exclusion, intersection_spec.rb)', () => {
  it('two sets: |A|=4, |B|=6, |A∪B|=8 gives 2', () => {
    const { union } = unionsFrom({ '0': 4, '1': 6, '0,1': 8 });
    expect(intersectionEstimate(union, 2)).toBe(2);
  });

  it('three sets from the spec give 1', () => {
    const { union } = unionsFrom({ '0': 2, '1': 3, '2': 5, '0,1': 4, '0,2': 6, '1,2': 7, '0,1,2': 8 });
    expect(intersectionEstimate(union, 3)).toBe(1);
  });

  it('asks for each of the 15 subset unions of four sets exactly once', () => {
    const asked: string[] = [];
    intersectionEstimate((subset) => {
      asked.push(subset.join(','));
      return 1;
    }, 4);
    expect(asked).toHaveLength(15);
    expect(new Set(asked).size).toBe(15);
  });

  it('one set is its own cardinality', () => {
    expect(intersectionEstimate(() => 42, 1)).toBe(42);
  });

  it('returns negative results unclamped, as GitLab did', () => {
    const { union } = unionsFrom({ '0': 4, '1': 6, '0,1': 11 });
    expect(intersectionEstimate(union, 2)).toBe(-1);
  });

  it.each([0, 21, 2.5])('refuses %d sets', (n) => {
    expect(() => intersectionEstimate(() => 0, n)).toThrow(
      expect.objectContaining({ code: 'SERVPING_AGGREGATION' }),
    );
  });

  it('has an async form for unions that need I/O', async () => {
    const { union } = unionsFrom({ '0': 2, '1': 3, '2': 5, '0,1': 4, '0,2': 6, '1,2': 7, '0,1,2': 8 });
    await expect(intersectionEstimateAsync((subset) => Promise.resolve(union(subset)), 3)).resolves.toBe(1);
  });
});

describe('nonEmptySubsets', () => {
  it('lists every non-empty subset once, indices ascending', () => {
    expect(nonEmptySubsets(3)).toEqual([[0], [1], [0, 1], [2], [0, 2], [1, 2], [0, 1, 2]]);
  });
});

describe('unionEstimate', () => {
  it('estimates the merged sketch', () => {
    const a = emptyRegisters();
    const b = emptyRegisters();
    a.fill(1, 0, 8192);
    b.fill(1, 8192);
    expect(unionEstimate([a, b])).toBe(estimate(new Uint8Array(16384).fill(1)));
    expect(unionEstimate([a, b])).toBe(23637);
  });

  it('is 0 for no sketches', () => {
    expect(unionEstimate([])).toBe(0);
  });
});
