/**
 * The values GitLab reports instead of a count when it could not compute one: `FALLBACK`,
 * `HISTOGRAM_FALLBACK` and `DISTRIBUTED_HLL_FALLBACK` of `lib/gitlab/utils/usage_data.rb`, and
 * `Gitlab::UsageData::DEPRECATED_VALUE` (`lib/gitlab/usage_data.rb`). They
 * are negative on purpose: a real count can never be negative, so anyone reading a payload can
 * tell "failed" from "zero" without the metadata, and Versions' dashboards already filter them.
 */
import type { MetricSpec } from '../definitions/types';
import type { MetricValue } from './metric-result';

/** `Utils::UsageData::FALLBACK`: a timeout, a failed query, an unreachable Redis or Prometheus. */
export const FALLBACK = -1;

/**
 * `HISTOGRAM_FALLBACK`: a histogram's value is an object, so its failure keeps that shape and
 * consumers that iterate buckets do not break on a bare number.
 */
export const HISTOGRAM_FALLBACK: Readonly<Record<string, number>> = Object.freeze({ '-1': -1 });

/** `Gitlab::UsageData::DEPRECATED_VALUE`: a deprecated metric is still sent, but never computed. */
export const DEPRECATED_VALUE = -1000;

/**
 * `DISTRIBUTED_HLL_FALLBACK`: older GitLab reported it when an estimate failed with something other
 * than a database error. Kept for payload compatibility; servping's estimate failures are all -1.
 */
export const DISTRIBUTED_HLL_FALLBACK = -2;

/**
 * `UsageDataNonSqlMetrics::SQL_METRIC_DEFAULT`: the value of every SQL metric in GitLab's
 * "non-SQL" report, which lists only what runs outside the database.
 */
export const NON_SQL_METRIC = -3;

/**
 * The value a metric reports when computing `spec` failed with `error`. Every failure is -1 except
 * a histogram's, whatever the cause (timeout, bad configuration, connection error): GitLab's
 * newest helpers do the same, and the cause travels as text in the timings metadata instead.
 * `error` is accepted so the call site reads as what it is and the rule can grow without callers
 * changing; today no value depends on it.
 */
export function fallbackFor(spec: MetricSpec, _error: unknown): MetricValue {
  if (spec.kind === 'database' && spec.query.operation === 'histogram') return { ...HISTOGRAM_FALLBACK };
  return FALLBACK;
}

/** One line of text for the timings metadata, whatever was thrown. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
