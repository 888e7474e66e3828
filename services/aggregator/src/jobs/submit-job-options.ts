import type { JobsOptions } from 'bullmq';

/** The name of the custom backoff that reads the configured delay list. */
export const SUBMIT_BACKOFF = 'submit-delays';

/**
 * Options of the one submit job per stored payload. The fixed id makes adding it again (a re-run
 * aggregate job, a restart) a no-op while it exists; BullMQ ids may not be all digits nor contain
 * ':'. One attempt plus one per configured retry delay, spaced by the `SUBMIT_BACKOFF` strategy.
 */
export function submitJobOptions(rawUsageDataId: string, retryDelaysMs: readonly number[]): JobsOptions {
  return {
    jobId: `submit-${rawUsageDataId}`,
    attempts: retryDelaysMs.length + 1,
    backoff: { type: SUBMIT_BACKOFF },
    // Kept long enough to inspect in the dashboard; the row in raw_usage_data is the record.
    removeOnComplete: { age: 30 * 86_400, count: 1000 },
    removeOnFail: { age: 90 * 86_400, count: 1000 },
  };
}
