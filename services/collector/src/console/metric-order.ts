import type { MetricProgress } from '../runs/run-view';

/** A metric row of the run page: the run view's progress plus its shard count, when known. */
export type MetricRow = MetricProgress & { shards?: number };

export const METRIC_SORTS = ['problems', 'name', 'time', 'state', 'shards'] as const;
export type MetricSort = (typeof METRIC_SORTS)[number];

const SEVERITY: Record<MetricProgress['state'], number> = { failed: 0, fallback: 1, pending: 2, done: 3 };

const byName = (a: MetricRow, b: MetricRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byTime = (a: MetricRow, b: MetricRow) =>
  (b.timeElapsedS ?? -1) - (a.timeElapsedS ?? -1) || byName(a, b);

const COMPARE: Record<MetricSort, (a: MetricRow, b: MetricRow) => number> = {
  // What an operator looks for first: what failed, then what fell back, then the slowest.
  problems: (a, b) => SEVERITY[a.state] - SEVERITY[b.state] || byTime(a, b),
  name: byName,
  time: byTime,
  state: (a, b) => SEVERITY[a.state] - SEVERITY[b.state] || byName(a, b),
  shards: (a, b) => (b.shards ?? 0) - (a.shards ?? 0) || byTime(a, b),
};

/** `rows` in the order `sort` names (its natural direction), or reversed. Pure; copies. */
export function sortMetrics(rows: readonly MetricRow[], sort: MetricSort, reverse = false): MetricRow[] {
  const sorted = [...rows].sort(COMPARE[sort]);
  return reverse ? sorted.reverse() : sorted;
}

export const parseSort = (raw: unknown): MetricSort =>
  (METRIC_SORTS as readonly unknown[]).includes(raw) ? (raw as MetricSort) : 'problems';
