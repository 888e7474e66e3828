/**
 * Ertl's improved raw estimator (arXiv:1702.01284), the one Redis ≥ 5.0 runs in `hllCount()`.
 * One formula over the whole range: no linear-counting switch, no bias tables (research/hll.md §3).
 * The arithmetic follows Redis step by step so a decoded Redis key gives exactly its PFCOUNT.
 */
import { assertSketch, HLL_MAX_RANK, HLL_REGISTER_COUNT, HLL_VALUE_BITS } from './registers';

/** α∞ = 1 / (2 ln 2). */
const ALPHA_INFINITY = 0.7213475204444817;

/** σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1); diverges at x = 1 (all registers empty). */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let power = x;
  let weight = 1;
  let z = x;
  for (;;) {
    power *= power;
    const next = z + power * weight;
    weight += weight;
    if (next === z) return z;
    z = next;
  }
}

/** τ(x) = (1/3)·(1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^−k). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let root = x;
  let weight = 1;
  let z = 1 - x;
  for (;;) {
    root = Math.sqrt(root);
    weight *= 0.5;
    const gap = 1 - root;
    const next = z - gap * gap * weight;
    if (next === z) return z / 3;
    z = next;
  }
}

/**
 * Estimated number of distinct values in the sketch, rounded to an integer like Redis's
 * `llroundl`. An empty sketch gives 0. Registers above 51 cannot come from a 64-bit hash and are
 * left out of the histogram, as Redis does.
 */
export function estimate(registers: Uint8Array): number {
  assertSketch(registers);
  const m = HLL_REGISTER_COUNT;
  const histogram = new Array<number>(HLL_MAX_RANK + 1).fill(0);
  for (const rank of registers) {
    if (rank <= HLL_MAX_RANK) histogram[rank]! += 1;
  }
  const empty = histogram[0]!;
  if (empty === m) return 0;
  let z = m * tau((m - histogram[HLL_MAX_RANK]!) / m);
  for (let k = HLL_VALUE_BITS; k >= 1; k--) {
    z += histogram[k]!;
    z *= 0.5;
  }
  z += m * sigma(empty / m);
  return Math.round((ALPHA_INFINITY * m * m) / z);
}
