import type { MetricResult } from './metric-result';

/** How long one metric took, and why it fell back if it did. */
export interface MetricTiming {
  /** The metric's key_path. */
  name: string;
  /** Wall time in seconds. */
  timeElapsedS: number;
  error?: string;
  /** `MetricResult.batchSizeKept`. */
  batchSizeKept?: number;
}

/** The per-run timings report: GitLab's `/usage_ping_metadata` body, in TypeScript names. */
export interface TimingsMetadata {
  uuid: string;
  metrics: MetricTiming[];
}

/** One metric of the wire form. */
export interface WireMetricTiming {
  name: string;
  time_elapsed: number;
  error?: string;
  /** servping's addition: the batch size adaptive sizing kept (issue #13); absent otherwise. */
  batch_size_kept?: number;
}

/** The wire form, as `raw_usage_data.metadata` stores it and Versions receives it (inside `metadata`). */
export interface WireTimingsMetadata {
  uuid: string;
  metrics: WireMetricTiming[];
}

/**
 * The timings of `results`, ordered by key_path so that two runs of the same dictionary list
 * their metrics in the same order. `error` is present only on metrics that fell back.
 */
export function timingsMetadata(uuid: string, results: readonly MetricResult[]): TimingsMetadata {
  const metrics = results
    .map((r): MetricTiming => ({
      name: r.keyPath,
      timeElapsedS: r.timeElapsedS,
      ...(r.error === undefined ? {} : { error: r.error }),
      ...(r.batchSizeKept === undefined ? {} : { batchSizeKept: r.batchSizeKept }),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { uuid, metrics };
}

/**
 * The one place where timings get their wire (snake_case) names. GitLab omits `error` when a
 * metric succeeded (`compact`), so it is omitted here too rather than sent as null.
 */
export function toWireTimingsMetadata(timings: TimingsMetadata): WireTimingsMetadata {
  return {
    uuid: timings.uuid,
    metrics: timings.metrics.map((m) => ({
      name: m.name,
      time_elapsed: m.timeElapsedS,
      ...(m.error === undefined ? {} : { error: m.error }),
      ...(m.batchSizeKept === undefined ? {} : { batch_size_kept: m.batchSizeKept }),
    })),
  };
}
