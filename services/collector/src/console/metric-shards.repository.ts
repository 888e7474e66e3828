import { Job, type Queue } from 'bullmq';
import type { JobDataByName } from '@servping/shared';
import type { MetricProgress } from '../runs/run-view';
import type { MetricRow } from './metric-order';

/** Runs whose plan is remembered; a plan never changes once enqueued, so it is read once. */
const REMEMBERED_RUNS = 20;

type Plan = Map<string, { keyPath: string; shards: number }>;

/**
 * Each database metric's shard count and key_path, read from its `compute-metric` job while the
 * run's jobs are kept (SERVPING_JOB_RETENTION_SECONDS). Pending jobs get their key_path too.
 */
export class MetricShardsRepository {
  private readonly plans = new Map<string, Plan>();

  constructor(private readonly metricsQueue: Queue) {}

  async rows(runId: string, metrics: readonly MetricProgress[]): Promise<MetricRow[]> {
    const plan = await this.plan(runId, metrics);
    return metrics.map((m) => {
      const planned = m.job ? plan.get(m.job) : undefined;
      return planned
        ? { ...m, name: m.state === 'pending' ? planned.keyPath : m.name, shards: planned.shards }
        : m;
    });
  }

  private async plan(runId: string, metrics: readonly MetricProgress[]): Promise<Plan> {
    const known = this.plans.get(runId);
    if (known) return known;
    const queuePrefix = `${this.metricsQueue.name}:`;
    const ids = metrics.flatMap((m) =>
      m.job?.startsWith(queuePrefix) ? [m.job.slice(queuePrefix.length)] : [],
    );
    const jobs = await Promise.all(
      ids.map((id) => Job.fromId<JobDataByName['compute-metric']>(this.metricsQueue, id)),
    );
    const plan: Plan = new Map();
    for (const job of jobs) {
      if (job?.id)
        plan.set(`${queuePrefix}${job.id}`, {
          keyPath: job.data.metric.keyPath,
          shards: job.data.shards?.length ?? 0,
        });
    }
    if (ids.length > 0 && plan.size === ids.length) {
      this.plans.set(runId, plan);
      if (this.plans.size > REMEMBERED_RUNS) this.plans.delete(this.plans.keys().next().value as string);
    }
    return plan;
  }
}
