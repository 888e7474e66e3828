import { CounterConfigError } from '../errors';
import type { ShardRange } from '../pipeline/jobs';

/** Input of `planShards`: inclusive bounds of the batch column and the sharding limits. */
export interface ShardPlanInput {
  /** Smallest value of the batch column (inclusive). */
  min: number;
  /** Largest value of the batch column (inclusive). */
  max: number;
  /** Batch size the counter will use inside every shard. */
  batchSize: number;
  /** Upper limit on the number of shards. */
  maxShards: number;
  /** A shard is only worth a job when it holds at least this many batches. */
  minBatchesPerShard: number;
}

/**
 * Splits [min, max + 1) into contiguous half-open ranges of whole batches, so every shard runs the
 * same batch boundaries the unsharded counter would and per-shard results add up exactly. Shards
 * differ by at most one batch; a table that fits in fewer than 2·minBatchesPerShard batches gets a
 * single shard. No range is empty. Throws a ServpingError on non-integer or inconsistent input.
 */
export function planShards(input: ShardPlanInput): ShardRange[] {
  assertPlanInput(input);
  const { min, max, batchSize } = input;
  const end = max + 1;
  const batches = Math.ceil((end - min) / batchSize);
  const shardCount = Math.max(
    1,
    Math.min(input.maxShards, Math.floor(batches / input.minBatchesPerShard), batches),
  );
  const base = Math.floor(batches / shardCount);
  const extra = batches % shardCount;
  const shards: ShardRange[] = [];
  let start = min;
  for (let index = 0; index < shardCount; index++) {
    const batchesInShard = base + (index < extra ? 1 : 0);
    const finish = index === shardCount - 1 ? end : start + batchesInShard * batchSize;
    shards.push({ start, finish });
    start = finish;
  }
  return shards;
}

function assertPlanInput(input: ShardPlanInput): void {
  const problems: string[] = [];
  for (const field of ['min', 'max', 'batchSize', 'maxShards', 'minBatchesPerShard'] as const) {
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
