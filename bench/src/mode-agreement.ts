/**
 * Whether two modes computed the same values: every exact metric must match to the last digit
 * (integers; averages to 1e-9 relative), estimates are left to the HLL section's error figures.
 */
import type { MetricValue } from '@servping/shared';
import type { BenchCatalog } from './bench-catalog';

export interface Agreement {
  compared: number;
  mismatched: number;
  /** Up to 10 differing key paths with both values. */
  examples: Array<{ keyPath: string; a: MetricValue; b: MetricValue }>;
}

export function compareValues(
  a: Readonly<Record<string, MetricValue>>,
  b: Readonly<Record<string, MetricValue>>,
  skip: ReadonlySet<string> = new Set(),
): Agreement {
  const result: Agreement = { compared: 0, mismatched: 0, examples: [] };
  for (const [keyPath, left] of Object.entries(a)) {
    if (skip.has(keyPath) || !(keyPath in b)) continue;
    const right = b[keyPath] as MetricValue;
    result.compared += 1;
    if (!sameValue(left, right)) {
      result.mismatched += 1;
      if (result.examples.length < 10) result.examples.push({ keyPath, a: left, b: right });
    }
  }
  return result;
}

function sameValue(a: MetricValue, b: MetricValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const left = a as Record<string, MetricValue>;
    const right = b as Record<string, MetricValue>;
    return [...keys].every(
      (k) => k in left && k in right && sameValue(left[k] as MetricValue, right[k] as MetricValue),
    );
  }
  return a === b;
}

/**
 * The key paths whose value cannot depend on when a mode ran: exact (not estimated) database
 * metrics without a 7d/28d window. A servping run fixes its own clock, minutes after the naive
 * mode's, so windowed values may differ by the rows that crossed a window's edge meanwhile.
 */
export function clockIndependentExactMetrics(catalog: BenchCatalog): string[] {
  return catalog.database
    .filter(
      ({ metric, query }) =>
        (metric.timeFrame === 'all' || metric.timeFrame === 'none') &&
        query.operation !== 'estimate_distinct_count',
    )
    .map(({ metric }) => metric.keyPath);
}

/** The values at `keyPaths` of a nested payload (`counts.issues` → payload.counts.issues). */
export function payloadValues(payload: unknown, keyPaths: readonly string[]): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const keyPath of keyPaths) {
    const value = keyPath
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], payload);
    if (value !== undefined) out[keyPath] = value as MetricValue;
  }
  return out;
}
