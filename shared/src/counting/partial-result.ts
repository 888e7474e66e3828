import { ServpingError } from '../errors';
import type { MetricValue } from '../payload/metric-result';
import { mergeRegisters } from '../hll/registers';
import { estimate } from '../hll/estimate';
import { gitlabEstimate, mergeBuckets, type GitlabBuckets } from '../hll/gitlab-compat';
import { countBits, unionBits, type DistinctBits } from './distinct-bits';
import { addExact, exactToFloat, exactToValue, type ExactNumber } from './exact-number';

/**
 * What one batch, one shard or a whole range of a database metric yields. Partials of the same
 * metric merge exactly (`mergePartials`), so batches and shards can be combined in any order.
 */
export type PartialResult =
  /** count, distinct_count (over disjoint value ranges), sum. */
  | { kind: 'number'; value: ExactNumber }
  /** distinct_count batched over the primary key: the exact set of values seen. */
  | { kind: 'distinct_bits'; bits: DistinctBits }
  /** Grouped distinct_count batched over the primary key: one exact set per group. */
  | { kind: 'grouped_distinct_bits'; groups: Map<string, DistinctBits> }
  /** Grouped variants, keyed by the group column's text. */
  | { kind: 'grouped'; values: Record<string, ExactNumber> }
  /** average: kept as sum and count so the final value is not an average of averages. */
  | { kind: 'average'; sum: ExactNumber; count: number }
  /** histogram: values per WIDTH_BUCKET, string keys as in GitLab's payload. */
  | { kind: 'histogram'; buckets: Record<string, number> }
  /** estimate_distinct_count, servping sketch (p = 14). */
  | { kind: 'sketch'; registers: Uint8Array }
  /** estimate_distinct_count in GitLab mode: GitLab's 512 md5 buckets. */
  | { kind: 'gitlab_sketch'; buckets: GitlabBuckets };

/**
 * The union of two partials of one metric: numbers, sums and counts add; grouped values and
 * histogram buckets add key-wise (GitLab merges grouped batch hashes the same way); sketches take
 * the per-register maximum. Neither input is modified. Throws when the kinds differ.
 */
export function mergePartials(a: PartialResult, b: PartialResult): PartialResult {
  switch (a.kind) {
    case 'number':
      return { kind: 'number', value: addExact(a.value, same(a, b).value) };
    case 'grouped':
      return { kind: 'grouped', values: addKeyWise(a.values, same(a, b).values) };
    case 'distinct_bits':
      return { kind: 'distinct_bits', bits: unionBits(a.bits, same(a, b).bits) };
    case 'grouped_distinct_bits': {
      const groups = new Map(a.groups);
      for (const [key, bits] of same(a, b).groups) {
        const mine = groups.get(key);
        groups.set(key, mine ? unionBits(mine, bits) : bits);
      }
      return { kind: 'grouped_distinct_bits', groups };
    }
    case 'average': {
      const other = same(a, b);
      return { kind: 'average', sum: addExact(a.sum, other.sum), count: a.count + other.count };
    }
    case 'histogram':
      return { kind: 'histogram', buckets: addKeyWise(a.buckets, same(a, b).buckets) };
    case 'sketch':
      return { kind: 'sketch', registers: mergeRegisters(a.registers, same(a, b).registers) };
    case 'gitlab_sketch':
      return { kind: 'gitlab_sketch', buckets: mergeBuckets(a.buckets, same(a, b).buckets) };
  }
}

/**
 * The payload value of a complete partial: the number, the grouped object (integers past 2⁵³ as
 * their digits, `exactToValue`), the size of each exact distinct set, sum/count for an
 * average (−1 when no row had a value, as GitLab's BatchAverageCounter), the histogram object,
 * or the sketch's estimate (servping: Ertl's estimator; gitlab: GitLab's `Buckets` estimate).
 */
export function finalValue(partial: PartialResult): MetricValue {
  switch (partial.kind) {
    case 'number':
      return exactToValue(partial.value);
    case 'grouped':
      return Object.fromEntries(Object.entries(partial.values).map(([key, v]) => [key, exactToValue(v)]));
    case 'distinct_bits':
      return countBits(partial.bits);
    case 'grouped_distinct_bits':
      return Object.fromEntries(
        [...partial.groups.entries()]
          .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
          .map(([key, bits]) => [key, countBits(bits)]),
      );
    case 'average':
      return partial.count === 0 ? -1 : exactToFloat(partial.sum) / partial.count;
    case 'histogram':
      return { ...partial.buckets };
    case 'sketch':
      return estimate(partial.registers);
    case 'gitlab_sketch':
      return gitlabEstimate(partial.buckets);
  }
}

function same<K extends PartialResult['kind']>(a: Extract<PartialResult, { kind: K }>, b: PartialResult) {
  if (b.kind !== a.kind) {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `cannot merge a ${a.kind} partial with a ${b.kind} partial`,
    );
  }
  return b as Extract<PartialResult, { kind: K }>;
}

function addKeyWise<T extends ExactNumber>(
  a: Readonly<Record<string, T>>,
  b: Readonly<Record<string, T>>,
): Record<string, T> {
  const out: Record<string, T> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] = (mine === undefined ? value : addExact(mine, value)) as T;
  }
  return out;
}
