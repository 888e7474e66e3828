import { Job, type Queue } from 'bullmq';
import {
  failedMetricResult,
  type JobDataByName,
  type MetricResult,
  type PlannedMetric,
} from '@servping/shared';

/** What a run's metric jobs left behind, once all of them are done. */
export interface RunChildren {
  /** One result per child: its return value, or a fallback when it failed. */
  results: MetricResult[];
  /** The definitions the children computed (the payload filter needs their status and category). */
  metrics: PlannedMetric[];
  /** Children whose job was gone before it could be read (removed by retention): keys and reasons. */
  unreadable: Array<{ key: string; reason: string }>;
}

/**
 * Reads the children of an `aggregate-run` job. Failed children were ignored by the flow
 * (`ignoreDependencyOnFailure`), so they appear in `getIgnoredChildrenFailures()` and each becomes
 * a fallback result carrying its failure: a crashed metric never blocks nor silently leaves a run.
 */
export class RunChildrenRepository {
  private readonly queueByName: Map<string, Queue>;

  constructor(childQueues: readonly Queue[]) {
    this.queueByName = new Map(childQueues.map((queue) => [queue.name, queue]));
  }

  async load(parent: Job): Promise<RunChildren> {
    const [values, failures] = await Promise.all([
      parent.getChildrenValues<MetricResult>(),
      parent.getIgnoredChildrenFailures(),
    ]);
    const out: RunChildren = { results: [], metrics: [], unreadable: [] };
    await Promise.all(
      Object.entries(values).map(async ([key, result]) => {
        const child = await this.childJob(key);
        out.results.push(result);
        if (child) out.metrics.push(child.data.metric);
        else out.unreadable.push({ key, reason: 'completed child job no longer stored' });
      }),
    );
    await Promise.all(
      Object.entries(failures).map(async ([key, reason]) => {
        const child = await this.childJob(key);
        if (!child) {
          out.unreadable.push({ key, reason });
          return;
        }
        const elapsedMs = child.finishedOn && child.processedOn ? child.finishedOn - child.processedOn : 0;
        out.results.push(failedMetricResult(child.data.metric, reason, elapsedMs / 1000));
        out.metrics.push(child.data.metric);
      }),
    );
    return out;
  }

  private async childJob(
    key: string,
  ): Promise<Job<JobDataByName['compute-metric'] | JobDataByName['compute-light-metric']> | undefined> {
    // Keys are `<prefix>:<queue>:<jobId>`; BullMQ forbids ':' in job ids and queue names.
    const idAt = key.lastIndexOf(':');
    const queue = this.queueByName.get(key.slice(key.lastIndexOf(':', idAt - 1) + 1, idAt));
    return queue ? Job.fromId(queue, key.slice(idAt + 1)) : undefined;
  }
}
