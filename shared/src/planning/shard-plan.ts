import { CounterConfigError } from '../errors';
import type { ShardRange } from '../pipeline/jobs';

/** Input of `planShards`: inclusive bounds of the batch column and the sharding limits. */
export interface ShardPlanInput {
  /** Smallest value of the batch column (inclusive). */
  min: bigint;
  /** Largest value of the batch column (inclusive). */
  max: bigint;
  /** Batch size the counter will use inside every shard. */
  batchSize: number;
  /** Upper limit on the number of shards. */
  maxShards: number;
  /** A shard is only worth a job when it holds at least this many batches. */
  minBatchesPerShard: number;
  /**
   * Ascending values of the batch column with about as many rows between each neighbouring pair
   * (PostgreSQL's `pg_stats.histogram_bounds`). Given, shards split at them, so a key with islands
   * or empty stretches gets shards of about equal rows instead of equal widths.
   */
  quantiles?: readonly bigint[];
}

/**
 * Splits [min, max + 1) into contiguous half-open ranges. Without quantiles: ranges of whole
 * batches that differ by at most one batch (no range empty), a single shard below
 * 2·minBatchesPerShard batches. With quantiles: at most `maxShards` ranges split at quantiles,
 * each holding about the same share of the rows. Every row falls into exactly one shard either
 * way, so per-shard results add up exactly. Throws a CounterConfigError on inconsistent input.
 */
export function planShards(input: ShardPlanInput): ShardRange[] {
  assertPlanInput(input);
  const inside = (input.quantiles ?? []).filter((q) => q > input.min && q <= input.max);
  const cuts = inside.length > 0 ? quantileCuts(inside, input.maxShards) : batchCuts(input);
  const edges = [input.min, ...cuts, input.max + 1n];
  return edges.slice(1).map((finish, i) => ({ start: edges[i]!.toString(), finish: finish.toString() }));
}

/**
 * Up to maxShards − 1 distinct cut points taken evenly from the quantiles above min. PostgreSQL's
 * bounds start at the column's minimum and end at its maximum, so the k-th one above min closes
 * k of the bounds' equal-row buckets: cut i of n shards is the one closing i/n of them.
 */
function quantileCuts(quantiles: readonly bigint[], maxShards: number): bigint[] {
  const shards = Math.min(maxShards, quantiles.length);
  const cuts: bigint[] = [];
  for (let i = 1; i < shards; i++) {
    const cut = quantiles[Math.round((i * quantiles.length) / shards) - 1];
    if (cut !== undefined && cut !== cuts.at(-1)) cuts.push(cut);
  }
  return cuts;
}

/** Cut points of equal runs of whole batches (GitLab-shaped ranges). */
function batchCuts({ min, max, batchSize, maxShards, minBatchesPerShard }: ShardPlanInput): bigint[] {
  const size = BigInt(batchSize);
  const batches = (max + 1n - min + size - 1n) / size;
  let shardCount = batches / BigInt(minBatchesPerShard);
  if (shardCount > BigInt(maxShards)) shardCount = BigInt(maxShards);
  if (shardCount < 1n) shardCount = 1n;
  const base = batches / shardCount;
  const extra = batches % shardCount;
  const cuts: bigint[] = [];
  let start = min;
  for (let index = 0n; index < shardCount - 1n; index++) {
    start += (base + (index < extra ? 1n : 0n)) * size;
    cuts.push(start);
  }
  return cuts;
}

function assertPlanInput(input: ShardPlanInput): void {
  const problems: string[] = [];
  for (const field of ['batchSize', 'maxShards', 'minBatchesPerShard'] as const) {
    if (!Number.isSafeInteger(input[field])) problems.push(`${field} must be an integer`);
  }
  if (input.min > input.max) problems.push(`min ${input.min} is above max ${input.max}`);
  if (input.batchSize < 1) problems.push('batchSize must be at least 1');
  if (input.maxShards < 1) problems.push('maxShards must be at least 1');
  if (input.minBatchesPerShard < 1) problems.push('minBatchesPerShard must be at least 1');
  if (problems.length > 0) {
    throw new CounterConfigError(`cannot plan shards: ${problems.join('; ')}`);
  }
}
