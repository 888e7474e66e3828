import { UnrecoverableError, type FlowProducer, type Job } from 'bullmq';
import type { Logger } from 'pino';
import {
  DefinitionError,
  databaseWindow,
  narrowingTimestamp,
  windowBoundsQuery,
  groupPasses,
  passKey,
  passRowsQuery,
  withAverageStrategy,
  withDistinctStrategy,
  type DatabaseQuery,
  type JobDataByName,
  type PlannedMetric,
  type ShardRange,
} from '@servping/shared';
import type { RunsRepository, SettingsRepository } from '@servping/runtime';
import type { DictionarySource } from '../dictionary/dictionary-source';
import type { CollectorMetrics } from '../observability/collector-metrics';
import type { InstanceStatsRepository } from '../repositories/instance-stats.repository';
import type { RunTrigger } from '../runs/run-trigger';
import { selectMetrics } from './metric-selection';
import { runFacts } from './run-facts';
import { buildRunFlow, shardCount, type RunPlan } from './run-flow';
import { RunStatistics } from './run-statistics';
import {
  decideShards,
  windowStats,
  worthSharding,
  type ShardPolicy,
  type TableStats,
} from './shard-decision';

export interface RunPlannerDeps {
  runs: RunsRepository;
  settings: SettingsRepository;
  stats: InstanceStatsRepository;
  dictionary: DictionarySource;
  flowProducer: FlowProducer;
  trigger: RunTrigger;
  clock: () => Date;
  random: () => number;
  shardPolicy: ShardPolicy;
  splaySeconds: number;
  productSettings: Readonly<Record<string, string | number | boolean | null>>;
  operatingSystem: string;
  retentionS: number;
  metrics: CollectorMetrics;
  logger: Logger;
}

export type PlanResult =
  | { outcome: 'planned'; runId: string; jobs: number; shards: number; deferred: number }
  | { outcome: 'skipped'; runId: string; reason: string }
  | { outcome: 'scheduled'; runId: string };

type TriggerJob = Job<Partial<JobDataByName['trigger-run']>>;

/**
 * The collector's worker on the `runs` queue. A job whose id is a run id plans that run; the weekly
 * scheduler's tick and a job added from the dashboard start a run through the trigger (same
 * checks as the API), so every run is one `run-…` job and one `runs` row.
 */
export class RunPlanner {
  constructor(private readonly deps: RunPlannerDeps) {}

  async process(job: TriggerJob): Promise<PlanResult> {
    if (job.id?.startsWith('run-')) return this.plan(job.id, job);
    const scheduled = job.repeatJobKey !== undefined;
    const { runId } = await this.deps.trigger.trigger({
      requestedBy: scheduled ? 'schedule' : (job.data.requestedBy ?? 'dashboard'),
      submit: job.data.submit ?? true,
      // GitLab sleeps 0..60 s before a scheduled ping so instances on the same cron do not collide.
      delayMs: scheduled ? Math.floor(this.deps.random() * this.deps.splaySeconds * 1000) : 0,
    });
    return { outcome: 'scheduled', runId };
  }

  /** Plans run `runId` and enqueues its flow; safe to repeat (the clock and job ids are fixed). */
  async plan(runId: string, job?: TriggerJob): Promise<PlanResult> {
    const { deps } = this;
    const logger = deps.logger.child({ runId });
    const run = await deps.runs.get(runId);
    if (!run) return this.skip(runId, 'no runs row: the run was never recorded');
    if (run.state !== 'planned') return this.skip(runId, `run is already ${run.state}`);
    try {
      const settings = await deps.settings.get();
      if (!settings.enabled) {
        await deps.runs.markFailed(runId, 'service ping is disabled on this instance');
        return this.skip(runId, 'instance disabled');
      }
      const definitions = await deps.dictionary();
      const recordedAt = await deps.runs.fixRecordedAt(runId, deps.clock());
      const selection = selectMetrics(definitions, settings.permittedDataCategories);
      const facts = runFacts({
        settings,
        database: await deps.stats.databaseFacts(),
        productSettings: deps.productSettings,
        operatingSystem: deps.operatingSystem,
      });
      const plan: RunPlan = {
        runId,
        recordedAt: recordedAt.toISOString(),
        submit: run.submit,
        facts,
        ...(await this.planMetrics(selection.compute, recordedAt, logger)),
        deferred: selection.deferred,
        retentionSeconds: deps.retentionS,
      };
      await deps.flowProducer.add(buildRunFlow(plan));
      const shards = shardCount(plan);
      await deps.runs.markRunning(runId, {
        metricsTotal: plan.metrics.length + plan.deferred.length,
        shards,
      });
      deps.metrics.runs.inc({ outcome: 'planned' });
      logger.info(
        { jobs: plan.metrics.length, shards, deferred: plan.deferred.length, recordedAt: plan.recordedAt },
        'run planned',
      );
      return { outcome: 'planned', runId, jobs: plan.metrics.length, shards, deferred: plan.deferred.length };
    } catch (err) {
      const final =
        err instanceof DefinitionError || !job || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.error({ err, final }, 'planning failed');
      if (final) {
        await deps.runs.markFailed(runId, (err as Error).message);
        deps.metrics.runs.inc({ outcome: 'failed' });
      }
      // A broken dictionary stays broken on retry: fail the job at once.
      throw err instanceof DefinitionError ? new UnrecoverableError(err.message) : err;
    }
  }

  private skip(runId: string, reason: string): PlanResult {
    this.deps.metrics.runs.inc({ outcome: 'skipped' });
    this.deps.logger.warn({ runId, reason }, 'run not planned');
    return { outcome: 'skipped', runId, reason };
  }

  /**
   * Plans the metrics: resolves each database metric's distinct count and average strategies
   * (they pick its batch column), groups the metrics that read the same rows into shared table
   * passes (`groupPasses`, issue #13), and decides the shards of each pass and of each metric
   * walking alone. Table sizes, bounds and catalog facts are read once per run
   * (`RunStatistics`), bounds only for tables large enough to shard.
   */
  private async planMetrics(
    metrics: PlannedMetric[],
    recordedAt: Date,
    logger: Logger,
  ): Promise<Pick<RunPlan, 'metrics' | 'passes'>> {
    const statistics = new RunStatistics(this.deps.stats, logger);
    const planned: PlannedMetric[] = [];
    for (const metric of metrics) planned.push(await resolveStrategies(metric, recordedAt, statistics));
    // A distinct count that would walk its column's index rides instead in a pass that reads its
    // rows anyway, so the table is read once (`withDistinctStrategy`).
    const openPasses = new Set(planned.map(passKeyOf).filter((key): key is string => key !== null));
    for (const [i, metric] of metrics.entries()) {
      if (walksValueRanges(planned[i]!)) {
        planned[i] = await resolveStrategies(metric, recordedAt, statistics, openPasses);
      }
    }
    const candidates = planned.flatMap((metric) =>
      metric.spec.kind === 'database'
        ? [{ metric, query: metric.spec.query, timeFrame: metric.timeFrame }]
        : [],
    );
    const { passes } = groupPasses(candidates, (candidate) => candidate);
    const passOf = new Map(passes.flatMap((members, pass) => members.map((m) => [m.metric, pass] as const)));
    const out: RunPlan['metrics'] = [];
    for (const metric of planned) {
      const pass = passOf.get(metric);
      const shards =
        pass === undefined && metric.spec.kind === 'database'
          ? await this.shards(metric.spec.query, metric.timeFrame, recordedAt, statistics)
          : undefined;
      out.push({ metric, ...(shards ? { shards } : {}), ...(pass === undefined ? {} : { pass }) });
    }
    const passPlans: RunPlan['passes'] = [];
    for (const [index, members] of passes.entries()) {
      const first = members[0]!;
      const query = passRowsQuery(members.map((m) => m.query));
      const shards = await this.shards(query, first.timeFrame, recordedAt, statistics);
      const id = `${query.table}/${first.timeFrame}/${index}`;
      passPlans.push({ pass: { id, members: members.map((m) => m.metric) }, ...(shards ? { shards } : {}) });
    }
    return { metrics: out, passes: passPlans };
  }

  /**
   * The shards of a walk of `query` (strategies resolved), or undefined when it runs as one job.
   * A 7d/28d walk whose window an index can find is sharded over its window's bounds only, as
   * its worker would narrow it (`databaseRange`).
   */
  private async shards(
    query: DatabaseQuery,
    timeFrame: PlannedMetric['timeFrame'],
    recordedAt: Date,
    statistics: RunStatistics,
  ): Promise<ShardRange[] | undefined> {
    const estimatedRows = await statistics.rows(query.table);
    // An unresolved distinct count (its column type unreadable) leaves its batch column to the worker.
    const unresolved = query.operation === 'distinct_count' && query.distinctBy === undefined;
    if (unresolved || !worthSharding(estimatedRows, this.deps.shardPolicy)) return undefined;
    const window = databaseWindow(recordedAt, timeFrame);
    const quantiles = await statistics.quantiles(query);
    let tableStats: TableStats = {
      estimatedRows,
      bounds: await statistics.bounds(query),
      ...(quantiles ? { quantiles } : {}),
    };
    const timestamp = narrowingTimestamp(query, window);
    if (window && timestamp && (await statistics.indexed(timestamp))) {
      tableStats = windowStats(tableStats, await statistics.bounds(query, windowBoundsQuery(query, window)));
    }
    return decideShards(query, tableStats, this.deps.shardPolicy);
  }
}

/**
 * `metric` with its distinct count and average strategies resolved (they pick the batch column
 * its shards or pass range over), from the column's type and index and whether one of
 * `openPasses` (pass keys) already reads its rows. A distinct count whose column type cannot be
 * read stays unresolved: its worker resolves it, and it neither shards nor shares.
 */
async function resolveStrategies(
  metric: PlannedMetric,
  recordedAt: Date,
  statistics: RunStatistics,
  openPasses: ReadonlySet<string> = new Set(),
): Promise<PlannedMetric> {
  if (metric.spec.kind !== 'database') return metric;
  const { query } = metric.spec;
  const columnType =
    query.operation === 'distinct_count' && query.distinctBy === undefined
      ? await statistics.columnType(query.column)
      : null;
  if (columnType === undefined) return metric;
  const resolved = withAverageStrategy(
    withDistinctStrategy(query, {
      columnType,
      indexed: columnType !== null && (await statistics.indexed(query.column)),
      windowed: databaseWindow(recordedAt, metric.timeFrame) !== null,
      sharesPass: openPasses.has(
        passKey({ query: { ...query, distinctBy: 'bitmap' }, timeFrame: metric.timeFrame }) ?? '',
      ),
    }),
  );
  return resolved === query ? metric : { ...metric, spec: { ...metric.spec, query: resolved } };
}

/** The key of the shared pass a resolved database metric can ride in (`passKey`), else null. */
function passKeyOf(metric: PlannedMetric): string | null {
  return metric.spec.kind === 'database'
    ? passKey({ query: metric.spec.query, timeFrame: metric.timeFrame })
    : null;
}

function walksValueRanges(metric: PlannedMetric): boolean {
  return (
    metric.spec.kind === 'database' &&
    metric.spec.query.operation === 'distinct_count' &&
    metric.spec.query.distinctBy === 'value_ranges'
  );
}
