/**
 * GitLab's own PostgreSQL HLL (`lib/gitlab/database/postgres_hll/buckets.rb`): 512 buckets keyed by
 * the low 9 bits of the first 32 bits of md5(value::text), estimated with the classic Flajolet
 * formula plus linear counting. Kept bit-for-bit so servping can reproduce GitLab's numbers
 * (research/gitlab-service-ping.md §3, §12.3); servping's own sketches live in registers.ts.
 */
import { ServpingError } from '../errors';

/** GitLab's `Buckets::TOTAL_BUCKETS`. */
export const GITLAB_BUCKET_COUNT = 512;

/** `{ bucket: rank }`, bucket 0..511, rank 1..31; the JSON GitLab persists for aggregation. */
export type GitlabBuckets = Record<number, number>;

/** One row of GitLab's per-batch SQL. */
export interface GitlabBucketRow {
  bucket_num: number;
  bucket_hash: number;
}

/**
 * Bucket and rank of one value from its md5 hex digest, as GitLab's SQL computes them: h = first
 * 32 bits, bucket = h & 511, rank = 31 − floor(log2(h & 0x7fffffff)). The SQL fails with
 * "cannot take logarithm of zero" when the masked value is 0; this throws in that case too.
 */
export function gitlabBucketOfMd5(md5Hex: string): { bucket: number; rank: number } {
  if (!/^[0-9a-f]{32}$/i.test(md5Hex)) {
    throw new ServpingError('SERVPING_SKETCH_FORMAT', `not an md5 hex digest: ${md5Hex}`);
  }
  const h = Number.parseInt(md5Hex.slice(0, 8), 16);
  const v = h & 0x7fffffff;
  if (v === 0) throw new ServpingError('SERVPING_SKETCH_FORMAT', 'cannot take logarithm of zero');
  // 31 − floor(log2 v) is the count of leading zeros of v in a 32-bit word.
  return { bucket: h & (GITLAB_BUCKET_COUNT - 1), rank: Math.clz32(v) };
}

/** Buckets of a set of values given their md5 hex digests (per-bucket max rank). */
export function gitlabBucketsFromMd5(md5Hexes: Iterable<string>): GitlabBuckets {
  const buckets: GitlabBuckets = {};
  for (const digest of md5Hexes) {
    const { bucket, rank } = gitlabBucketOfMd5(digest);
    setMax(buckets, bucket, rank);
  }
  return buckets;
}

/** GitLab's `merge_hash!` as a pure function: a new object with the per-bucket maximum. */
export function mergeBuckets(a: Readonly<GitlabBuckets>, b: Readonly<GitlabBuckets>): GitlabBuckets {
  const out: GitlabBuckets = { ...a };
  for (const [bucket, rank] of Object.entries(b)) setMax(out, Number(bucket), rank);
  return out;
}

/** Folds GitLab SQL rows into `buckets` in place and returns it. */
export function applyGitlabRows(buckets: GitlabBuckets, rows: readonly GitlabBucketRow[]): GitlabBuckets {
  for (const row of rows) {
    const bucket = Number(row.bucket_num);
    const rank = Number(row.bucket_hash);
    if (!Number.isInteger(bucket) || bucket < 0 || bucket >= GITLAB_BUCKET_COUNT) {
      throw new ServpingError('SERVPING_SKETCH_FORMAT', `bucket ${String(row.bucket_num)} outside 0..511`);
    }
    if (!Number.isInteger(rank) || rank < 1 || rank > 31) {
      throw new ServpingError(
        'SERVPING_SKETCH_FORMAT',
        `bucket rank ${String(row.bucket_hash)} outside 1..31`,
      );
    }
    setMax(buckets, bucket, rank);
  }
  return buckets;
}

/**
 * GitLab's newest `estimated_distinct_count`: raw = floor(α·m²/(V + Σ 2^−rank)) with
 * α = 0.7213/(1 + 1.079/m) and V empty buckets; when V > 0 and raw < 2.5·m the result is the
 * linear count m·ln(m/V) (a fraction), otherwise raw. No large-range or bias correction.
 */
export function gitlabEstimate(buckets: Readonly<GitlabBuckets>): number {
  const m = GITLAB_BUCKET_COUNT;
  const ranks = Object.values(buckets);
  const empty = m - ranks.length;
  // Exact in doubles: at most 512 terms, each a power of two ≥ 2^-31.
  const harmonic = ranks.reduce((sum, rank) => sum + 2 ** -rank, empty);
  const raw = Math.floor((m * m * (0.7213 / (1 + 1.079 / m))) / harmonic);
  if (empty > 0 && raw < 2.5 * m) return m * Math.log(m / empty);
  return raw;
}

function setMax(buckets: GitlabBuckets, bucket: number, rank: number): void {
  const current = buckets[bucket];
  if (current === undefined || rank > current) buckets[bucket] = rank;
}
