import type { JobsOptions } from 'bullmq';

/** The name of the custom backoff that reads the configured delay list. */
export const SUBMIT_BACKOFF = 'submit-delays';

/** What identifies a payload to Versions, which keeps one row per uuid + recorded_at. */
export interface PayloadIdentity {
  uuid: string;
  recordedAt: Date | string;
}

/**
 * The submit job's id: the payload's identity, not its `raw_usage_data.id`. A serial id starts
 * again at 1 when the servping database is recreated or restored while Redis keeps its job
 * history (30 days of completed submit jobs), and adding a job under an id Redis still holds is a
 * silent no-op: the new payload would be stored and never sent. BullMQ ids may not contain ':',
 * so the time is in epoch milliseconds.
 */
export function submitJobId(identity: PayloadIdentity): string {
  return `submit-${identity.uuid}-${new Date(identity.recordedAt).getTime()}`;
}

/**
 * Options of the one submit job per stored payload. The id (`submitJobId`) makes adding it again
 * (a re-run aggregate job, a restart) a no-op while it exists. One attempt plus one per
 * configured retry delay, spaced by the `SUBMIT_BACKOFF` strategy.
 */
export function submitJobOptions(identity: PayloadIdentity, retryDelaysMs: readonly number[]): JobsOptions {
  return {
    jobId: submitJobId(identity),
    attempts: retryDelaysMs.length + 1,
    backoff: { type: SUBMIT_BACKOFF },
    // Kept long enough to inspect in the dashboard; the row in raw_usage_data is the record.
    removeOnComplete: { age: 30 * 86_400, count: 1000 },
    removeOnFail: { age: 90 * 86_400, count: 1000 },
  };
}
