import { GITLAB_SUBMIT_RETRY_DELAYS_MS, isRetryableStatus, submitRetryDelayMs } from './submission-retry';

describe('isRetryableStatus', () => {
  it.each([
    [500, true],
    [502, true],
    [504, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
    [413, false],
    [422, false],
    [200, false],
  ])('%i → %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});

describe('submitRetryDelayMs', () => {
  it('follows GitLab: 8 h, 16 h, 24 h, then no more retries', () => {
    expect(GITLAB_SUBMIT_RETRY_DELAYS_MS).toEqual([28_800_000, 57_600_000, 86_400_000]);
    expect([1, 2, 3, 4].map((n) => submitRetryDelayMs(n, GITLAB_SUBMIT_RETRY_DELAYS_MS))).toEqual([
      28_800_000,
      57_600_000,
      86_400_000,
      undefined,
    ]);
  });

  it.each([0, -1, 1.5])('has no delay for the invalid retry number %d', (n) => {
    expect(submitRetryDelayMs(n, [10])).toBeUndefined();
  });
});
