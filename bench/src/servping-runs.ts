/**
 * The servping mode repeated: before each run the instance is re-ANALYZEd, so every run plans on
 * a fresh statistics sample, and each run's database load is measured from stack start to stack
 * stop (the workers' sessions close with the stack, which flushes their counters). The result
 * keeps every run and the spread over them (issue #13: a figure that moves 3× with the planner's
 * statistics is not a result).
 */
import { errorText } from '@servping/shared';
import type { LoadOutcome } from './database-load';
import { measureDatabaseLoad, type LoadUrls } from './database-load.repository';
import { analyzeInstance } from './instance-vacuum.repository';
import type { Agreement } from './mode-agreement';
import { spreadOfRuns, type RunsSpread } from './run-spread';
import type { StackRunResult } from './stack-run';

export interface ServpingRun extends StackRunResult {
  /** 1-based position of the run in the series. */
  run: number;
  load: LoadOutcome;
  /** The stored payload against naive's exact values; absent without naive. */
  agreementWithNaive?: Agreement;
}

export interface ServpingRuns {
  workers: number;
  runs: Array<ServpingRun | { run: number; error: string }>;
  /** Over the runs that finished. */
  spread: RunsSpread;
}

export interface ServpingRunsOptions {
  workers: number;
  runs: number;
  load: LoadUrls;
  /** Starts a stack, runs the catalog once and stops the stack. */
  runOnStack: (run: number) => Promise<StackRunResult>;
  /** Checks a finished run's payload against naive's values (absent without naive). */
  agreement?: (runId: string) => Promise<Agreement>;
  say: (line: string) => void;
}

export async function runServpingSeries(options: ServpingRunsOptions): Promise<ServpingRuns> {
  const runs: ServpingRuns['runs'] = [];
  for (let run = 1; run <= options.runs; run++) {
    const label = `servping ${options.workers}w run ${run}/${options.runs}`;
    try {
      await analyzeInstance(options.load.instance);
      const { value, load } = await measureDatabaseLoad(options.load, () => options.runOnStack(run));
      const agreement = options.agreement && (await options.agreement(value.runId));
      runs.push({ ...value, run, load, ...(agreement ? { agreementWithNaive: agreement } : {}) });
      options.say(`${label}: ${(value.wallMs / 1000).toFixed(1)} s, ${describeLoad(load)}`);
      if (agreement) options.say(`${label} agrees with naive: ${formatAgreement(agreement)}`);
    } catch (error) {
      runs.push({ run, error: errorText(error) });
      options.say(`${label}: ${errorText(error)}`);
    }
  }
  const finished = runs.filter((r): r is ServpingRun => !('error' in r));
  return {
    workers: options.workers,
    runs,
    spread: spreadOfRuns(
      finished.map((r) => ({ wallMs: r.wallMs, longestStatementMs: r.statements.longestMs, load: r.load })),
    ),
  };
}

/** "12.90 M rows read, 1506 transactions" for progress lines. */
export function describeLoad(load: LoadOutcome): string {
  if ('error' in load) return `load not measured (${load.error})`;
  return `${(load.rowsRead / 1e6).toFixed(2)} M rows read, ${load.transactions} transactions`;
}

/** "242 compared, 0 mismatched" plus the first differences. */
export function formatAgreement(agreement: Agreement): string {
  const examples = agreement.examples
    .slice(0, 3)
    .map((e) => `${e.keyPath}: naive ${JSON.stringify(e.a)}, servping ${JSON.stringify(e.b)}`);
  return [`${agreement.compared} compared, ${agreement.mismatched} mismatched`, ...examples].join('; ');
}
