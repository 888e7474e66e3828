import type {
  InstanceFacts,
  MetricKind,
  MetricSpec,
  MetricValue,
  PlannedMetric,
  SerializedSketch,
} from '@servping/shared';
import type { InstanceDbPort } from './ports/instance-db.port';
import type { RedisUsagePort } from './ports/redis-usage.port';

/**
 * Everything a metric computation may use, handed in frozen by the job (or the CLI). Every window
 * derives from `recordedAt`, fixed once per run, so all metrics of a run agree on "now".
 */
export interface ComputeContext {
  recordedAt: Date;
  db: InstanceDbPort;
  usage: RedisUsagePort;
  facts: InstanceFacts;
  settings: Readonly<Record<string, unknown>>;
  license: Readonly<Record<string, unknown>>;
  /** Base URL of a Prometheus server; absent means Prometheus metrics fall back to -1. */
  prometheusUrl?: string;
  /** Cancels the computation from outside (job cancelled, worker shutting down). */
  signal?: AbortSignal;
  /** Per-metric wall-clock budget; past it the metric is cancelled and reports -1. */
  deadlineMs?: number;
  /** Statement time database batch sizes adapt to; absent = GitLab's fixed sizes. */
  targetStatementMs?: number;
  /** Timeout of one Prometheus HTTP query (default 5 s). */
  prometheusTimeoutMs?: number;
}

/** The context a single counter sees: the signal is always present (the deadline drives it). */
export type CounterContext = Omit<ComputeContext, 'signal'> & { signal: AbortSignal };

/** What a counter produces; the dispatcher adds key path, timing and error. */
export interface CounterOutput {
  value: MetricValue;
  sketch?: SerializedSketch;
  /** A database metric's `MetricResult.batchSizeKept`. */
  batchSizeKept?: number;
}

/** The spec variant of one kind. */
export type SpecOf<K extends MetricKind> = Extract<MetricSpec, { kind: K }>;

/** Computes one kind of metric. Throwing is the way to fail: the dispatcher turns it into a fallback. */
export type Counter<S extends MetricSpec = MetricSpec> = (
  spec: S,
  metric: PlannedMetric,
  ctx: CounterContext,
) => Promise<CounterOutput>;
