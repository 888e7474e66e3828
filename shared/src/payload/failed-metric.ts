import type { MetricDefinition } from '../definitions/types';
import { fallbackFor } from './fallback';
import type { MetricResult } from './metric-result';

/**
 * The result of a metric whose job failed outright (crashed, stalled too often, a shard failed):
 * GitLab's fallback for its kind, with the failure as the metadata error. A run reports the
 * failure as data instead of waiting for, or silently dropping, the metric.
 */
export function failedMetricResult(
  metric: Pick<MetricDefinition, 'keyPath' | 'spec'>,
  reason: string,
  timeElapsedS: number,
): MetricResult {
  return { keyPath: metric.keyPath, value: fallbackFor(metric.spec, reason), timeElapsedS, error: reason };
}
