/**
 * The two baselines, each in this process over one connection, metric after metric:
 * - naive: one plain exact statement per database metric (`renderUnbatchedQuery`);
 * - gitlab: GitLab's algorithm — the shared batch loop with GitLab's batch sizes and limits, its
 *   10 ms pause between batches and its md5/512-bucket HLL (`hllMode: 'gitlab'`), i.e. the
 *   worker's own `computeDatabaseMetric` with GitLab's parameters.
 * Metrics without SQL (Redis, system facts, settings) run through the worker's `computeMetric` in
 * both modes, so every mode computes the same catalog.
 */
import {
  databaseWindow,
  errorText,
  finalValue,
  readUnbatchedValue,
  renderUnbatchedQuery,
  type InstanceFacts,
  type MetricValue,
} from '@servping/shared';
import {
  computeDatabaseMetric,
  computeMetric,
  createRedisUsageReader,
  type InstanceDbPort,
} from '@servping/compute';
import type { RedisClient } from '@servping/runtime';
import type { BenchCatalog, DatabaseMetric } from './bench-catalog';
import { readProcessMemory, resetPeakMemory, type ProcessMemory } from './process-memory';
import { StatementTimer, type StatementStats } from './statement-timer';
import { timedInstanceDb } from './timed-instance-db';

export type SingleProcessMode = 'naive' | 'gitlab';

/** GitLab's `SLEEP_TIME_IN_SECONDS` (0.01) between batches, for both batch counters and the HLL. */
export const GITLAB_SLEEP_MS = 10;

export interface SingleProcessDeps {
  /** A one-connection instance database (the mode is serial by definition). */
  db: InstanceDbPort;
  redis: RedisClient;
  facts: InstanceFacts;
  recordedAt: Date;
  /** Called after each metric, for progress output. */
  onMetric?: (done: number, total: number) => void;
}

export interface SingleProcessResult {
  mode: SingleProcessMode;
  wallMs: number;
  databaseMetrics: number;
  otherMetrics: number;
  /** Metrics that ended in an error (their key paths and messages, at most 20 listed). */
  failed: number;
  failures: Array<{ keyPath: string; error: string }>;
  statements: StatementStats;
  /** This process's peak RSS during the mode (`peakIsModeOnly` false: since the bench started). */
  memory: ProcessMemory | null;
  peakIsModeOnly: boolean;
  /** Value per key path, so the modes can be checked against each other. */
  values: Record<string, MetricValue>;
}

export async function runSingleProcessMode(
  mode: SingleProcessMode,
  catalog: BenchCatalog,
  deps: SingleProcessDeps,
): Promise<SingleProcessResult> {
  const timer = new StatementTimer();
  const db = timedInstanceDb(deps.db, timer);
  const peakIsModeOnly = await resetPeakMemory();
  const values: Record<string, MetricValue> = {};
  const failures: SingleProcessResult['failures'] = [];
  const total = catalog.database.length + catalog.other.length;
  let done = 0;
  const started = performance.now();

  for (const entry of catalog.database) {
    timer.currentMetric = entry.metric.keyPath;
    try {
      values[entry.metric.keyPath] =
        mode === 'naive'
          ? await naiveValue(entry, db, deps.recordedAt)
          : await gitlabValue(entry, db, deps.recordedAt);
    } catch (error) {
      failures.push({ keyPath: entry.metric.keyPath, error: errorText(error) });
    }
    deps.onMetric?.(++done, total);
  }
  timer.currentMetric = undefined;
  const ctx = {
    recordedAt: deps.recordedAt,
    db,
    usage: createRedisUsageReader(deps.redis),
    facts: deps.facts,
    settings: {},
    license: {},
  };
  for (const metric of catalog.other) {
    const result = await computeMetric(metric, ctx);
    values[metric.keyPath] = result.value;
    if (result.error) failures.push({ keyPath: metric.keyPath, error: result.error });
    deps.onMetric?.(++done, total);
  }

  const wallMs = performance.now() - started;
  return {
    mode,
    wallMs,
    databaseMetrics: catalog.database.length,
    otherMetrics: catalog.other.length,
    failed: failures.length,
    failures: failures.slice(0, 20),
    statements: timer.snapshot(),
    memory: await readProcessMemory(),
    peakIsModeOnly,
    values,
  };
}

async function naiveValue({ query, metric }: DatabaseMetric, db: InstanceDbPort, recordedAt: Date) {
  const statement = renderUnbatchedQuery(query, databaseWindow(recordedAt, metric.timeFrame));
  return readUnbatchedValue(query, await db.runBatch(statement.text, statement.params));
}

async function gitlabValue({ query, metric }: DatabaseMetric, db: InstanceDbPort, recordedAt: Date) {
  const partial = await computeDatabaseMetric({
    query,
    timeFrame: metric.timeFrame,
    recordedAt,
    db,
    hllMode: 'gitlab',
    sleepMs: GITLAB_SLEEP_MS,
  });
  return finalValue(partial);
}
