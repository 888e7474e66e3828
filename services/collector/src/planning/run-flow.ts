import type { FlowJob, JobsOptions } from 'bullmq';
import {
  JOB_QUEUE,
  computeJobName,
  type JobDataByName,
  type JobName,
  type PlannedMetric,
  type PlannedPass,
  type ShardRange,
  type RunFacts,
} from '@servping/shared';

/** Everything the flow of one run is built from; the output of planning. */
export interface RunPlan {
  runId: string;
  recordedAt: string;
  submit: boolean;
  /** System, setting and license facts every job of the run reports. */
  facts: RunFacts;
  /** `pass`: the index in `passes` of the shared table pass that computes the metric. */
  metrics: { metric: PlannedMetric; shards?: ShardRange[]; pass?: number }[];
  /** Shared table passes (issue #13), each split into `shards` when its table is large. */
  passes: { pass: PlannedPass; shards?: ShardRange[] }[];
  deferred: PlannedMetric[];
  /** Completed and failed jobs are removed after this many seconds. */
  retentionSeconds: number;
}

/** Retries of a metric or shard job: transient database or Redis trouble gets three chances. */
const CHILD_ATTEMPTS = 3;
const BACKOFF_DELAY_MS = 2000;
/**
 * Retries of the aggregate job. It is the run's one way to a payload: when its attempts run out
 * nothing is stored or sent. Eight attempts, exponential from 2 s with jitter, wait out two to
 * four minutes of servping database or Redis outage (a restart, a failover) at the end of a run.
 */
const AGGREGATE_ATTEMPTS = 8;

export const aggregateJobId = (runId: string): string => `${runId}-aggregate`;
export const metricJobId = (runId: string, index: number): string => `${runId}-m-${index}`;
export const shardJobId = (runId: string, index: number, shard: number): string =>
  `${runId}-m-${index}-s-${shard}`;
export const passJobId = (runId: string, pass: number): string => `${runId}-p-${pass}`;
export const passShardJobId = (runId: string, pass: number, shard: number): string =>
  `${runId}-p-${pass}-s-${shard}`;

function job<N extends JobName>(
  name: N,
  data: JobDataByName[N],
  opts: JobsOptions,
  children?: FlowJob[],
): FlowJob {
  return { name, queueName: JOB_QUEUE[name], data, opts, ...(children ? { children } : {}) };
}

/**
 * The whole run as one BullMQ flow: `aggregate-run` is the parent of one job per metric
 * (`compute-metric` for database metrics, `compute-light-metric` for the rest); a sharded
 * metric's job is itself the parent of its `compute-shard` jobs. A shared table pass is a
 * `compute-pass` job (the parent of its own shards when sharded) under the job of its first
 * member; every member's job names it and takes its value from it (docs/architecture.md). A failed child
 * never blocks its parent (`ignoreDependencyOnFailure`): it becomes a fallback value, never a
 * stuck run. Job ids are deterministic, so adding the same plan twice (a retried planner) is a no-op.
 */
export function buildRunFlow(plan: RunPlan): FlowJob {
  const { runId, recordedAt, facts } = plan;
  const retention = { age: plan.retentionSeconds };
  const childOptions = (jobId: string): JobsOptions => ({
    jobId,
    attempts: CHILD_ATTEMPTS,
    backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS, jitter: 0.5 },
    ignoreDependencyOnFailure: true,
    removeOnComplete: retention,
    removeOnFail: retention,
  });
  const passJob = (index: number): FlowJob => {
    const { pass, shards } = plan.passes[index]!;
    const shardJobs = shards?.map((range, shard) =>
      job(
        'compute-pass',
        { runId, recordedAt, pass, range },
        childOptions(passShardJobId(runId, index, shard)),
      ),
    );
    return job(
      'compute-pass',
      { runId, recordedAt, pass, ...(shards ? { shards } : {}) },
      childOptions(passJobId(runId, index)),
      shardJobs,
    );
  };
  const led = new Set<number>();
  const children = plan.metrics.map(({ metric, shards, pass }, index) => {
    const leads = pass !== undefined && !led.has(pass);
    if (pass !== undefined) led.add(pass);
    const childJobs = leads
      ? [passJob(pass)]
      : shards?.map((range, shard) =>
          job(
            'compute-shard',
            { runId, recordedAt, metric, range, index: shard },
            childOptions(shardJobId(runId, index, shard)),
          ),
        );
    if (computeJobName(metric) === 'compute-light-metric') {
      return job(
        'compute-light-metric',
        { runId, recordedAt, facts, metric },
        childOptions(metricJobId(runId, index)),
      );
    }
    return job(
      'compute-metric',
      {
        runId,
        recordedAt,
        facts,
        metric,
        ...(shards ? { shards } : {}),
        ...(pass === undefined ? {} : { pass: { jobId: passJobId(runId, pass) } }),
      },
      childOptions(metricJobId(runId, index)),
      childJobs,
    );
  });
  return job(
    'aggregate-run',
    { runId, recordedAt, facts, submit: plan.submit, deferred: plan.deferred },
    {
      jobId: aggregateJobId(runId),
      attempts: AGGREGATE_ATTEMPTS,
      backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS, jitter: 0.5 },
      removeOnComplete: retention,
      removeOnFail: retention,
    },
    children,
  );
}

/** Number of shard jobs in a plan: metrics' and passes'. */
export function shardCount(plan: Pick<RunPlan, 'metrics' | 'passes'>): number {
  const shards = (items: readonly { shards?: ShardRange[] }[]) =>
    items.reduce((sum, m) => sum + (m.shards?.length ?? 0), 0);
  return shards(plan.metrics) + shards(plan.passes);
}
