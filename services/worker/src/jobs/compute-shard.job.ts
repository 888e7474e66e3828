import type { Job } from 'bullmq';
import { countDatabaseMetric, withDeadline, type InstanceDbPort } from '@servping/compute';
import { partialToWire, ServpingError, type JobDataByName, type PartialWire } from '@servping/shared';

/** A shard job's return value: small (a number, an object or a ~12 KB sketch) and JSON-safe. */
export interface ShardOutcome {
  partial: PartialWire;
  timeElapsedS: number;
  /** `DatabaseCount.batchSizeKept` of this shard's walk. */
  batchSizeKept?: number;
}

/**
 * Computes one shard (a half-open range of the batch column) of a database metric. Pure reads,
 * so a re-run after a stall is harmless. Failures throw: the flow records the shard as a failed
 * child of its metric, which then reports -1 with the shard's error.
 */
export async function computeShard(
  job: Job<JobDataByName['compute-shard']>,
  deps: {
    db: InstanceDbPort;
    deadlineMs: number;
    signal: AbortSignal | undefined;
    /** Statement time batch sizes adapt to; absent = GitLab's fixed sizes. */
    targetStatementMs?: number;
  },
): Promise<ShardOutcome> {
  const { metric, range, recordedAt } = job.data;
  if (metric.spec.kind !== 'database') {
    throw new ServpingError(
      'SERVPING_UNSUPPORTED_METRIC',
      `${metric.keyPath} is not a database metric; it has no shards`,
    );
  }
  const { query } = metric.spec;
  const startedMs = performance.now();
  const { partial, batchSizeKept } = await withDeadline(
    (signal) =>
      countDatabaseMetric({
        query,
        timeFrame: metric.timeFrame,
        recordedAt: new Date(recordedAt),
        db: deps.db,
        range,
        signal,
        targetStatementMs: deps.targetStatementMs,
      }),
    deps.signal,
    deps.deadlineMs,
  );
  return {
    partial: partialToWire(partial),
    timeElapsedS: (performance.now() - startedMs) / 1000,
    ...(batchSizeKept === undefined ? {} : { batchSizeKept }),
  };
}
