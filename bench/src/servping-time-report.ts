/**
 * Where the servping mode's time went (pure, Markdown): per run, the compute time the workers
 * reported summed over metrics against the wall time (their ratio is how many metrics were
 * computing at once on average), and the slowest metrics of the median run.
 */
import { fixed, seconds } from './report-format';
import type { BenchResult } from './bench-result';
import type { ServpingRun } from './servping-runs';

export function renderServpingTime(result: Pick<BenchResult, 'modes'>): string[] {
  return Object.entries(result.modes.servping).flatMap(([workers, series]) => {
    if (!('runs' in series)) return [];
    const runs = series.runs.filter((r): r is ServpingRun => !('error' in r));
    const median = series.spread.wallMs?.median;
    if (runs.length === 0 || median === undefined) return [];
    const medianRun = runs.reduce((best, r) =>
      Math.abs(r.wallMs - median) < Math.abs(best.wallMs - median) ? r : best,
    );
    return [
      `Where servping ${workers}w's time went: compute time summed over metrics (workers' timings) against wall time; their ratio is the metrics computing at once on average.`,
      '',
      '| run | wall | stack start (not in wall) | compute, summed | at once | shards |',
      '|---|---|---|---|---|---|',
      ...runs.map(
        (r) =>
          `| #${r.run} | ${seconds(r.wallMs)} | ${seconds(r.startMs)} | ${fixed(r.computeS, 1)} s | ${fixed(r.computeS / (r.wallMs / 1000), 1)} | ${r.shards} |`,
      ),
      '',
      `Slowest metrics of run #${medianRun.run} (the median run; a sharded metric's time is summed over its shards): ${(
        medianRun.slowestMetrics ?? []
      )
        .map((m) => `${m.name} ${fixed(m.timeElapsedS, 1)} s`)
        .join(', ')}.`,
      '',
    ];
  });
}
