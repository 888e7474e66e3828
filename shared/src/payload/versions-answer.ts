import { SubmissionError } from '../errors';

/** What Versions answered to a payload: the id it stored it under and the DevOps score. */
export interface UsageDataAnswer {
  usageDataId: number;
  /** The `conv_index` (or legacy `dev_ops_score`) object as received, `usage_data_id` included. */
  convIndex: Record<string, unknown>;
}

/**
 * Reads the `/usage_data` answer as GitLab's SubmitService does
 * (`app/services/service_ping/submit_service.rb`): the id is
 * `conv_index.usage_data_id`, or `dev_ops_score.usage_data_id` from older Versions, and must be
 * an integer > 0. Anything else throws `SubmissionError` "Invalid usage_data_id in response: <v>";
 * it is retryable, since a later answer from a fixed Versions can be valid.
 */
export function parseUsageDataAnswer(body: unknown): UsageDataAnswer {
  const root = isObject(body) ? body : {};
  const convIndex = isObject(root.conv_index)
    ? root.conv_index
    : isObject(root.dev_ops_score)
      ? root.dev_ops_score
      : {};
  const id = convIndex.usage_data_id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw new SubmissionError(`Invalid usage_data_id in response: ${String(id)}`, undefined, true);
  }
  return { usageDataId: id, convIndex };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
