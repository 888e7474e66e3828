import { ServpingError, type MetricValue } from '@servping/shared';

/** Settings and license fields are JSON from the settings table; arrays become comma-separated text. */
export function toMetricValue(raw: unknown, what: string): MetricValue {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'number' || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (raw instanceof Date) return raw.toISOString();
  if (Array.isArray(raw)) return raw.map(String).join(',');
  if (typeof raw === 'object') {
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, toMetricValue(v, `${what}.${k}`)]));
  }
  throw new ServpingError('SERVPING_UNSUPPORTED_METRIC', `${what} has a ${typeof raw} value`);
}
