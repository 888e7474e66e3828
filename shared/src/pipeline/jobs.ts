import type { MetricDefinition } from '../definitions/types';
import type { InstanceFacts } from '../payload/instance-facts';
import type { MetricValue } from '../payload/metric-result';

/**
 * The BullMQ contract between collector, workers and aggregator: every job name, its data, and
 * the queue it runs on. One table routes names to queues so no service spells a queue name.
 */
export const QUEUE_NAMES = ['runs', 'metrics', 'light', 'shards', 'aggregate'] as const;
/** One of {@link QUEUE_NAMES}. */
export type QueueName = (typeof QUEUE_NAMES)[number];

/** A metric as planned: the resolved definition travels with the job, so a worker computes
 * exactly what the collector validated, whatever the dictionary on the worker's disk says. */
export type PlannedMetric = Omit<MetricDefinition, 'raw'>;

/**
 * A contiguous half-open range [start, finish) of the batch column, as decimal integer text: ids
 * reach 2⁶³ − 1, which a JSON number would round.
 */
export interface ShardRange {
  start: string;
  finish: string;
}

/**
 * A shared table pass of a run (issue #13): database metrics over the same rows (`passKey`) that
 * one batched walk computes together. `id` names it in job ids and in the timings metadata.
 */
export interface PlannedPass {
  id: string;
  members: PlannedMetric[];
}

/** What system, setting and license metrics read: fixed once per run by the planner. */
export interface RunFacts {
  instance: InstanceFacts;
  /** Collector settings a `setting` metric may name. */
  settings: Record<string, MetricValue>;
  /** License fields (`{}` on an unlicensed instance). */
  license: Record<string, MetricValue>;
}

/** What every job of a run carries: the run id, its fixed clock and the facts it reports. */
export interface RunContext {
  runId: string;
  /** ISO timestamp fixed once per run; every window of the run derives from it. */
  recordedAt: string;
  /**
   * Attached by the planner so every worker reports the same facts without reading the settings
   * itself. A run without it still computes; its system, setting and license metrics fall back.
   */
  facts?: RunFacts;
}

/** Each job name with the data its job carries: the one contract between the services. */
export interface JobDataByName {
  /** Starts a run: the collector's own worker on `runs` plans and enqueues the flow. */
  'trigger-run': { requestedBy: 'schedule' | 'api' | 'cli' | 'dashboard' | 'console'; submit: boolean };
  /**
   * Computes one database metric; with `shards`, it is the parent of `compute-shard` jobs and
   * merges them. With `pass`, its value comes from that `compute-pass` job's result (the first
   * member's job is the pass's parent; the others wait for it), or, when the pass left it out
   * or failed, from a walk of its own.
   */
  'compute-metric': RunContext & { metric: PlannedMetric; shards?: ShardRange[]; pass?: { jobId: string } };
  /**
   * Computes one metric that does no counting on the instance database (Redis, system facts,
   * settings, license, Prometheus): on its own queue, so these milliseconds-long jobs run many at
   * a time without raising how many counting statements a worker runs at once.
   */
  'compute-light-metric': RunContext & { metric: PlannedMetric };
  /** Computes one shard of a sharded database metric. */
  'compute-shard': RunContext & { metric: PlannedMetric; range: ShardRange; index: number };
  /**
   * Computes a shared table pass: over `range` (one shard of the pass, a child of the pass job),
   * by merging its `shards` children, or over the whole primary key. Returns a `PassOutcomeWire`.
   */
  'compute-pass': RunContext & { pass: PlannedPass; range?: ShardRange; shards?: ShardRange[] };
  /** Parent of all metric jobs of a run: merges, stores and submits the payload. `deferred` are
   * the metrics the planner did not enqueue: `add` and database-sourced aggregated metrics (the
   * aggregator computes them from its children's results) and deprecated ones (it emits -1000). */
  'aggregate-run': RunContext & { facts: RunFacts; submit: boolean; deferred: PlannedMetric[] };
  /** Sends one stored payload (`raw_usage_data.id`) to Versions; delayed to retry a failed send. */
  'submit-payload': { rawUsageDataId: string };
}

/** Every job name of the pipeline. */
export type JobName = keyof JobDataByName;

/** The queue each job name runs on: the one place a job is routed. */
export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  'trigger-run': 'runs',
  'compute-metric': 'metrics',
  'compute-light-metric': 'light',
  'compute-shard': 'shards',
  'compute-pass': 'shards',
  'aggregate-run': 'aggregate',
  'submit-payload': 'aggregate',
};

/** The job that computes `metric`: database metrics count on `metrics`, every other kind on `light`. */
export function computeJobName(
  metric: Pick<PlannedMetric, 'spec'>,
): 'compute-metric' | 'compute-light-metric' {
  return metric.spec.kind === 'database' ? 'compute-metric' : 'compute-light-metric';
}
