/**
 * The metrics a servping run spent the most compute time on (pure), from the run view's
 * per-metric timings (a sharded metric's time is the sum over its shards): where a run's time
 * went, next to the database load that says what it read.
 */
export interface MetricTime {
  name: string;
  timeElapsedS: number;
}

/** The `n` longest, longest first (ties by name); metrics without a timing are left out. */
export function slowestMetrics(
  perMetric: ReadonlyArray<{ name: string; timeElapsedS?: number }>,
  n: number,
): MetricTime[] {
  return perMetric
    .flatMap((m) => (m.timeElapsedS === undefined ? [] : [{ name: m.name, timeElapsedS: m.timeElapsedS }]))
    .sort((a, b) => b.timeElapsedS - a.timeElapsedS || a.name.localeCompare(b.name))
    .slice(0, n);
}
