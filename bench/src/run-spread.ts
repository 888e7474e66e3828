/**
 * The spread of a figure over repeated runs (pure). A servping run's plans depend on the
 * planner's statistics, which ANALYZE re-samples, so one run's wall time or rows read is an
 * anecdote; the median and the range over several runs are the result.
 */
import type { LoadOutcome } from './database-load';

export interface Spread {
  runs: number;
  median: number;
  min: number;
  max: number;
  /** max / min (null when min is 0): 3 means the figure tripled between the best and worst run. */
  maxOverMin: number | null;
}

/** Median (the mean of the middle two for an even count), min and max; null for no values. */
export function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return {
    runs: sorted.length,
    median,
    min,
    max,
    maxOverMin: min > 0 ? Math.round((max / min) * 100) / 100 : null,
  };
}

/** The figures of one repeated run that the spread is taken over. */
export interface RunFigures {
  wallMs: number;
  longestStatementMs: number;
  /** Absent or an error when the run's database load was not measured. */
  load?: LoadOutcome;
}

export type RunsSpread = Record<
  'wallMs' | 'rowsRead' | 'rowsVisited' | 'blocksRead' | 'blocksHit' | 'transactions' | 'longestStatementMs',
  Spread | null
>;

/** The spread of each figure over the runs that measured it. */
export function spreadOfRuns(runs: readonly RunFigures[]): RunsSpread {
  const loads = runs.flatMap((r) => (r.load && !('error' in r.load) ? [r.load] : []));
  return {
    wallMs: spreadOf(runs.map((r) => r.wallMs)),
    rowsRead: spreadOf(loads.map((l) => l.rowsRead)),
    rowsVisited: spreadOf(loads.map((l) => l.rowsVisited)),
    blocksRead: spreadOf(loads.map((l) => l.blocksRead)),
    blocksHit: spreadOf(loads.map((l) => l.blocksHit)),
    transactions: spreadOf(loads.map((l) => l.transactions)),
    longestStatementMs: spreadOf(runs.map((r) => r.longestStatementMs)),
  };
}
