/**
 * When a failed submission is tried again. GitLab's ServicePing worker retries 3 times, after
 * (count + 1) × 8 hours (`sidekiq_retry_in` in `app/workers/gitlab_service_ping_worker.rb`);
 * servping takes the delays as a list from configuration.
 */

/** GitLab's delays: 8 h, 16 h, 24 h. */
export const GITLAB_SUBMIT_RETRY_DELAYS_MS: readonly number[] = [8, 16, 24].map((h) => h * 3_600_000);

/**
 * Whether an HTTP status from Versions is worth retrying: server errors, 408 (request timeout)
 * and 429 (too many requests) are; any other 4xx means the request itself is refused and will
 * be refused again. Statuses below 400 are not failures and are not retried either.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * The delay before retry number `retry` (1 = the first retry), or undefined when the retries are
 * used up. Retries past the list reuse nothing: the list is the whole policy.
 */
export function submitRetryDelayMs(retry: number, delaysMs: readonly number[]): number | undefined {
  if (!Number.isInteger(retry) || retry < 1) return undefined;
  return delaysMs[retry - 1];
}
