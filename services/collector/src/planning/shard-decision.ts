import { planShards, startingBatchSize, type DatabaseQuery, type ShardRange } from '@servping/shared';

/** What the planner knows about a metric's table: its estimated size and the batch column's bounds. */
export interface TableStats {
  /** `pg_class.reltuples`, or the bounds' width when the table was never analyzed; null if unknown. */
  estimatedRows: number | null;
  /** Inclusive MIN/MAX of the batch column; null when the table is empty or the column not an integer. */
  bounds: { min: bigint; max: bigint } | null;
  /** Ascending values with about equal rows between them (`pg_stats.histogram_bounds`); absent if unknown. */
  quantiles?: readonly bigint[];
}

export interface ShardPolicy {
  /** A table with more rows than this is split; each shard covers about this many rows. */
  rowsPerShard: number;
  /** Upper limit per metric, so one huge table cannot flood the queue. */
  maxShards: number;
}

/** Shards below this many batches are not worth a job of their own. */
const MIN_BATCHES_PER_SHARD = 2;

/**
 * The statistics of a 7d/28d metric whose batch range is narrowed to its window: the window's
 * bounds, and the table's estimate scaled by the share of the batch column they span (ids grow
 * with time, so the window's rows sit in that span about as densely as anywhere else). Unknown
 * full bounds keep the table's estimate: sharding may then split a small window, never miss rows.
 */
export function windowStats(table: TableStats, windowBounds: TableStats['bounds']): TableStats {
  if (!windowBounds) return { estimatedRows: table.estimatedRows, bounds: null };
  const quantiles = table.quantiles ? { quantiles: table.quantiles } : {};
  if (table.estimatedRows === null || !table.bounds)
    return { estimatedRows: table.estimatedRows, bounds: windowBounds, ...quantiles };
  const share =
    Number(windowBounds.max - windowBounds.min + 1n) / Number(table.bounds.max - table.bounds.min + 1n);
  return {
    estimatedRows: Math.round(table.estimatedRows * Math.min(1, share)),
    bounds: windowBounds,
    ...quantiles,
  };
}

/** True when the table is large enough that sharding is considered (and MIN/MAX worth reading). */
export function worthSharding(estimatedRows: number | null, policy: ShardPolicy): boolean {
  return estimatedRows !== null && estimatedRows > policy.rowsPerShard;
}

/**
 * The shards of one database metric, or undefined when it runs as a single job: small tables,
 * unknown bounds, or a plan that yields one shard. Explicit start/finish of the definition narrow
 * the bounds, as they narrow GitLab's batch counter. With quantiles the shards split the rows,
 * not the width, so a key with islands gets shards that each count a share of the rows.
 */
export function decideShards(
  query: DatabaseQuery,
  stats: TableStats,
  policy: ShardPolicy,
): ShardRange[] | undefined {
  if (!worthSharding(stats.estimatedRows, policy) || !stats.bounds) return undefined;
  const min = query.start === undefined ? stats.bounds.min : BigInt(query.start);
  const max = query.finish === undefined ? stats.bounds.max : BigInt(query.finish);
  if (min > max) return undefined;
  const wanted = Math.ceil((stats.estimatedRows as number) / policy.rowsPerShard);
  const shards = planShards({
    min,
    max,
    batchSize: query.batchSize ?? startingBatchSize(query),
    maxShards: Math.min(wanted, policy.maxShards),
    minBatchesPerShard: MIN_BATCHES_PER_SHARD,
    ...(stats.quantiles ? { quantiles: stats.quantiles } : {}),
  });
  return shards.length > 1 ? shards : undefined;
}
