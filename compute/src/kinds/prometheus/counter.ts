import { CounterConfigError, type MetricSpec } from '@servping/shared';
import { prometheusInstantQuery } from '../../repositories/prometheus.repository';
import type { Counter } from '../../compute-context';

/** GitLab gives Prometheus a few seconds; a slow monitoring stack must not hold a run back. */
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 5000;

/** GitLab's PrometheusMetric: an instant query; no server configured or any failure → -1 with the error. */
export const computePrometheus: Counter<Extract<MetricSpec, { kind: 'prometheus' }>> = async (
  spec,
  _metric,
  ctx,
) => {
  if (!ctx.prometheusUrl) {
    throw new CounterConfigError('no Prometheus server configured (PROMETHEUS_URL)');
  }
  const value = await prometheusInstantQuery({
    baseUrl: ctx.prometheusUrl,
    query: spec.query,
    timeoutMs: ctx.prometheusTimeoutMs ?? DEFAULT_PROMETHEUS_TIMEOUT_MS,
    signal: ctx.signal,
  });
  return { value };
};
