import type { Queue } from 'bullmq';
import type { MetricProgress, MetricResult, MetricValue, RunView } from '@servping/shared';
export type { MetricProgress, RunView } from '@servping/shared';
import type { RawUsageDataRepository, RunRecord, RunsRepository, StoredPayload } from '@servping/runtime';
import { aggregateJobId } from '../planning/run-flow';

/** A run's progress as the console polls it. */
export interface RunProgress {
  state: RunRecord['state'];
  done: number;
  total: number;
  /** Null while the run is active. */
  fallbacks: number | null;
  percent: number;
}

const jobIdOf = (key: string) => key.slice(key.lastIndexOf(':') + 1);
/** `prefix:queue:id` → `queue:id` (the prefix may itself hold colons, e.g. `{servping}`). */
const jobOf = (key: string) => key.split(':').slice(-2).join(':');

/**
 * The progress of a run, from the best source there is: the live BullMQ flow (children of the
 * `aggregate-run` job: processed results carry their timing, ignored ones their failure), then
 * the stored payload's timing metadata once the jobs are gone, always with the `runs` row.
 */
export class RunViews {
  constructor(
    private readonly runs: RunsRepository,
    private readonly payloads: RawUsageDataRepository,
    private readonly aggregateQueue: Queue,
  ) {}

  async list(limit: number): Promise<RunView[]> {
    const rows = await this.runs.list(limit);
    return rows.map((row) => toView(row, { aggregate: null, source: 'none', perMetric: [] }, undefined));
  }

  /**
   * How far a run is, cheaply enough to poll: child counts of the live flow (no results read),
   * else the `runs` row. `fallbacks` is known once the run ended (the aggregator counts them).
   */
  async progress(runId: string): Promise<RunProgress | undefined> {
    const row = await this.runs.get(runId);
    if (!row) return undefined;
    let done = row.state === 'finished' ? row.metricsTotal : row.metricsDone;
    const active = row.state === 'planned' || row.state === 'running';
    if (active) {
      const job = await this.aggregateQueue.getJob(aggregateJobId(runId));
      const counts = job ? await job.getDependenciesCount() : undefined;
      if (counts) done = (counts.processed ?? 0) + (counts.ignored ?? 0) + (counts.failed ?? 0);
    }
    const total = row.metricsTotal;
    done = Math.min(done, total);
    return {
      state: row.state,
      done,
      total,
      fallbacks: active ? null : row.fallbacks,
      percent: total > 0 ? Math.floor((done / total) * 100) : 0,
    };
  }

  async get(runId: string): Promise<RunView | undefined> {
    const row = await this.runs.get(runId);
    if (!row) return undefined;
    const [job, stored] = await Promise.all([
      this.aggregateQueue.getJob(aggregateJobId(runId)),
      this.payloads.forRun(runId),
    ]);
    if (job) {
      const [state, deps] = await Promise.all([job.getState(), job.getDependencies()]);
      const perMetric: MetricProgress[] = [
        ...Object.entries(deps.processed ?? {}).map(([key, value]) => ({
          ...fromResult(value as MetricResult),
          job: jobOf(key),
        })),
        ...Object.entries(deps.ignored ?? {}).map(([key, reason]) => ({
          name: jobIdOf(key),
          state: 'failed' as const,
          error: String(reason),
          job: jobOf(key),
        })),
        ...(deps.failed ?? []).map((key) => ({
          name: jobIdOf(key),
          state: 'failed' as const,
          job: jobOf(key),
        })),
        ...(deps.unprocessed ?? []).map((key) => ({
          name: jobIdOf(key),
          state: 'pending' as const,
          job: jobOf(key),
        })),
      ];
      return toView(row, { aggregate: state, source: 'flow', perMetric }, stored);
    }
    const perMetric = (stored?.metadata?.metrics ?? []).map((m): MetricProgress => ({
      name: m.name,
      state: m.error ? 'fallback' : 'done',
      timeElapsedS: m.time_elapsed,
      ...(m.error ? { error: m.error } : {}),
      ...valueAt(stored?.payload, m.name),
    }));
    return toView(row, { aggregate: null, source: stored ? 'stored' : 'none', perMetric }, stored);
  }
}

function fromResult(result: MetricResult): MetricProgress {
  return {
    name: result.keyPath,
    state: result.error ? 'fallback' : 'done',
    timeElapsedS: result.timeElapsedS,
    value: result.value,
    ...(result.error ? { error: result.error } : {}),
  };
}

/** `{ value }` of the payload at a dotted key_path, or `{}` when the payload has none there. */
function valueAt(payload: Record<string, unknown> | undefined, keyPath: string): { value?: MetricValue } {
  let node: unknown = payload;
  for (const key of keyPath.split('.')) {
    if (typeof node !== 'object' || node === null || !(key in node)) return {};
    node = (node as Record<string, unknown>)[key];
  }
  return { value: node as MetricValue };
}

function toView(
  row: RunRecord,
  live: Pick<RunView, 'aggregate' | 'source' | 'perMetric'>,
  stored: StoredPayload | undefined,
): RunView {
  const finished = live.perMetric.filter((m) => m.state !== 'pending');
  const fromJobs = live.source !== 'none';
  const deferred = live.source === 'flow' ? Math.max(0, row.metricsTotal - live.perMetric.length) : 0;
  // Deferred metrics are computed by the aggregator: they are done when the run is.
  const done = fromJobs
    ? finished.length + (row.state === 'finished' ? deferred : 0)
    : row.state === 'finished'
      ? row.metricsTotal
      : row.metricsDone;
  const fallbacks = fromJobs ? finished.filter((m) => m.state !== 'done').length : row.fallbacks;
  return {
    id: row.id,
    state: row.state,
    requestedBy: row.requestedBy,
    submit: row.submit,
    collectOnly: row.collectOnly,
    recordedAt: row.recordedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error,
    metrics: {
      total: row.metricsTotal,
      done: Math.min(done, row.metricsTotal),
      fallbacks: Math.max(fallbacks, row.fallbacks),
      pending: Math.max(0, row.metricsTotal - done),
    },
    shards: row.shards,
    aggregate: live.aggregate,
    source: live.source,
    perMetric: live.perMetric,
    submission: stored
      ? {
          sentAt: stored.sentAt?.toISOString() ?? null,
          usageDataId: stored.usageDataId,
          attempts: stored.submitAttempts,
          lastError: stored.lastError,
        }
      : null,
  };
}
