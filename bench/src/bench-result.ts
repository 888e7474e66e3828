/**
 * The shape of `bench/results/<date>-rows-<N>.json`: what one `servping bench` records. Its own
 * module so that the reports and verdicts that read a result do not import the runner.
 */
import type { BenchOptions } from './bench-options';
import type { TargetCheck } from './bench-targets';
import type { LoadOutcome } from './database-load';
import type { FloorResult } from './floor-mode.repository';
import type { runHllBench } from './hll-bench.repository';
import type { runIngestSection } from './ingest-section';
import type { compareValues } from './mode-agreement';
import type { ServpingRuns } from './servping-runs';
import type { SingleProcessResult } from './single-process-mode';
import type { StackRunResult } from './stack-run';

export type Section<T> = T | { error: string } | { skipped: string };

type SingleProcessSummary = Omit<SingleProcessResult, 'values'> & { load: LoadOutcome };

export interface BenchResult {
  version: 2;
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; memoryMb: number; node: string; postgres: string };
  options: Omit<BenchOptions, 'repoRoot'>;
  /** Service tuning passed through the environment to the started processes. */
  serviceEnv: Record<string, string>;
  seed: Section<{ reused: boolean; seconds: number; rows: number; seed: number; now: string }>;
  catalog: Section<{ dir: string; total: number; database: number; other: number; notComputed: number }>;
  /** Every mode's `load`: what it made the instance database do (`database-load.ts`). */
  modes: {
    floor: Section<FloorResult & { load: LoadOutcome }>;
    naive: Section<SingleProcessSummary>;
    gitlab: Section<SingleProcessSummary & { agreementWithNaive: ReturnType<typeof compareValues> }>;
    /**
     * Per worker count, every run and their spread; a run's `agreementWithNaive` compares its stored
     * payload with the naive mode's exact values on the metrics a later clock cannot change
     * (`clockIndependentExactMetrics`); absent without naive.
     */
    servping: Record<string, Section<ServpingRuns>>;
  };
  /** servping's median wall time over each baseline's, per worker count. */
  ratios: Record<string, { overNaive: number | null; overGitlab: number | null }>;
  /** Issue #13's targets per worker count (`checkTargets`). */
  targets: Record<string, TargetCheck[]>;
  hll: Section<Awaited<ReturnType<typeof runHllBench>>>;
  queueOverhead: Section<StackRunResult & { trivialMetrics: number; msPerMetric: number }>;
  ingest: Section<Awaited<ReturnType<typeof runIngestSection>>>;
}
