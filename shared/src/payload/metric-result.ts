/**
 * What computing one metric produces: the job return value of a metric (or shard) job, and the
 * unit the aggregator merges. Kept small: BullMQ stores return values in Redis.
 */

/** A metric value as it appears in the payload: a number, a string fact, or an object (grouped counts, histograms). */
export type MetricValue = number | string | boolean | null | { [key: string]: MetricValue };

/** A HyperLogLog sketch in transit; `format` names hash, seed, precision and rank convention. */
export interface SerializedSketch {
  format: string;
  data: string;
}

/** What computing one metric produced: its value (or fallback), time taken and any error. */
export interface MetricResult {
  keyPath: string;
  value: MetricValue;
  /** Wall time spent computing, in seconds (GitLab's `time_elapsed`). */
  timeElapsedS: number;
  /** Error text when `value` is a fallback. */
  error?: string;
  /** Present for estimate_distinct_count results, so shards and aggregated metrics can merge. */
  sketch?: SerializedSketch;
  /**
   * A database metric whose adaptive batches stopped shrinking because halving did not shorten
   * them: the batch size kept (`BatchWalk.batchSizeKept`; the largest over a metric's shards).
   */
  batchSizeKept?: number;
}
