import type { StoredPayload } from '@servping/runtime';

/** A stored payload as the console shows it: what it is, whether and how Versions took it. */
export interface ConsolePayload {
  id: string;
  runId: string | null;
  recordedAt: Date;
  payload: Record<string, unknown>;
  metrics: { name: string; time_elapsed: number; error?: string }[];
  sentAt: Date | null;
  usageDataId: number | null;
  /** Versions' answer besides the id: GitLab's DevOps score (`conv_index` without its id). */
  devopsScore: Record<string, unknown> | null;
}

export function consolePayload(stored: StoredPayload | undefined): ConsolePayload | undefined {
  if (!stored) return undefined;
  const { usage_data_id: _id, ...score } = stored.convIndex ?? {};
  return {
    id: stored.id,
    runId: stored.runId,
    recordedAt: stored.recordedAt,
    payload: stored.payload,
    metrics: stored.metadata?.metrics ?? [],
    sentAt: stored.sentAt,
    usageDataId: stored.usageDataId,
    devopsScore: stored.convIndex ? score : null,
  };
}

/** Whether a path parameter can be a `raw_usage_data.id` (a bigint); others name no payload. */
export const isPayloadId = (id: string): boolean => /^\d{1,18}$/.test(id);
