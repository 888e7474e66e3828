/**
 * Unions and intersections of distinct-count sets. Unions are exact on sketches (per-register max
 * loses nothing); intersections come from inclusion–exclusion over subset unions, as GitLab's
 * `aggregates/sources/calculations/intersection.rb` did (research/gitlab-service-ping.md §6.4).
 */
import { ServpingError } from '../errors';
import { estimate } from './estimate';
import { emptyRegisters, mergeRegisters } from './registers';

/** More sets than this would need over a million subset unions; the error bar is useless long before. */
export const MAX_INTERSECTION_SETS = 20;

/** Estimated size of the union of the sketches; 0 for no sketches. */
export function unionEstimate(sketches: readonly Uint8Array[]): number {
  return estimate(sketches.reduce((acc, sketch) => mergeRegisters(acc, sketch), emptyRegisters()));
}

/**
 * Every non-empty subset of the indices 0..n−1, ascending inside each subset, each listed once.
 * A Redis caller can fetch one PFCOUNT per subset up front and then call `intersectionEstimate`.
 */
export function nonEmptySubsets(n: number): number[][] {
  assertSetCount(n);
  const subsets: number[][] = [];
  for (let mask = 1; mask < 2 ** n; mask++) {
    const subset: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) subset.push(i);
    subsets.push(subset);
  }
  return subsets;
}

/**
 * |A₀ ∩ … ∩ Aₙ₋₁| = Σ over non-empty subsets S of (−1)^(|S|+1)·|∪S|. `cardinalityOfUnion` is asked
 * exactly once per distinct subset (indices ascending). With HLL inputs the result carries an
 * absolute error of about σ·|∪ all| and may be fractional or negative; it is returned unclamped,
 * as GitLab did, so callers decide how to report it. Throws for n outside 1..20.
 */
export function intersectionEstimate(cardinalityOfUnion: (subset: number[]) => number, n: number): number {
  return nonEmptySubsets(n).reduce((sum, subset) => sum + signOf(subset) * cardinalityOfUnion(subset), 0);
}

/** `intersectionEstimate` for union sizes that need I/O (PFCOUNT); the calls run one after another. */
export async function intersectionEstimateAsync(
  cardinalityOfUnion: (subset: number[]) => Promise<number>,
  n: number,
): Promise<number> {
  let sum = 0;
  for (const subset of nonEmptySubsets(n)) sum += signOf(subset) * (await cardinalityOfUnion(subset));
  return sum;
}

function signOf(subset: readonly number[]): number {
  return subset.length % 2 === 1 ? 1 : -1;
}

function assertSetCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_INTERSECTION_SETS) {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `an intersection needs 1..${MAX_INTERSECTION_SETS} sets, got ${String(n)}`,
    );
  }
}
