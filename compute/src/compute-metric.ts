import {
  DEPRECATED_VALUE,
  errorText,
  fallbackFor,
  isDeferredToAggregator,
  isTransientDatabaseError,
  ServpingError,
  type MetricResult,
  type PlannedMetric,
} from '@servping/shared';
import type { ComputeContext } from './compute-context';
import { withDeadline } from './deadline';
import { deferredError } from './kinds/deferred';
import { counterFor } from './kinds/kinds';

/**
 * Computes one metric and turns every failure into data: the result carries GitLab's fallback,
 * the error text and the time spent, so one bad metric never sinks its batch. Deprecated metrics
 * report -1000 without running. Only three things throw: a deferred kind (a planning bug), an
 * abort of `ctx.signal` (the job is being cancelled) and a transient database fault that outlasted
 * the repository's retries (`classifyDatabaseError`): for the last two a retry of the job, not a
 * -1, is the right outcome, since a -1 in the payload would report an outage as the metric's value.
 */
export async function computeMetric(metric: PlannedMetric, ctx: ComputeContext): Promise<MetricResult> {
  const { keyPath, spec } = metric;
  if (metric.status === 'deprecated') return { keyPath, value: DEPRECATED_VALUE, timeElapsedS: 0 };
  if (metric.status === 'removed') {
    throw new ServpingError('SERVPING_DEFINITION', `${keyPath} is removed and must not be computed`);
  }
  if (isDeferredToAggregator(spec)) throw deferredError(metric);

  const counter = counterFor(spec.kind);
  const startedMs = performance.now();
  const elapsedS = () => (performance.now() - startedMs) / 1000;
  try {
    const out = await withDeadline(
      (signal) => counter(spec, metric, { ...ctx, signal }),
      ctx.signal,
      ctx.deadlineMs,
    );
    return {
      keyPath,
      value: out.value,
      timeElapsedS: elapsedS(),
      ...(out.sketch ? { sketch: out.sketch } : {}),
      ...(out.batchSizeKept === undefined ? {} : { batchSizeKept: out.batchSizeKept }),
    };
  } catch (error) {
    if (ctx.signal?.aborted || isTransientDatabaseError(error)) throw error;
    return { keyPath, value: fallbackFor(spec, error), timeElapsedS: elapsedS(), error: errorText(error) };
  }
}
