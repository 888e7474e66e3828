import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The part of a job the metrics read: BullMQ's `Job` has it. */
export interface JobLike {
  id?: string;
  name: string;
}

/** The events of a BullMQ `Worker` the metrics count. */
export interface JobEventSource {
  on(event: 'completed', listener: (job: JobLike) => void): unknown;
  on(event: 'failed', listener: (job: JobLike | undefined, err: Error) => void): unknown;
}

export interface JobMetricsOptions<L extends string> {
  registry: Registry;
  /** `servping_<service>`: the series are `<prefix>_job_duration_seconds` and `<prefix>_jobs_total`. */
  prefix: string;
  durationHelp: string;
  totalHelp: string;
  /** Labels of the duration histogram besides `name` (the worker adds the metric's `kind`). */
  durationLabels?: readonly L[];
  bucketsS: number[];
}

export interface JobMetrics<L extends string> {
  /** Runs one job's work, timing it under `labels` whether it returns or throws. */
  time<T>(labels: Record<'name' | L, string>, work: () => Promise<T>): Promise<T>;
  /** Counts the worker's jobs by outcome and logs each failure (`warn`: BullMQ retries or keeps it). */
  observe(worker: JobEventSource, logger: Logger): void;
}

/**
 * The job metrics every BullMQ process exposes on /metrics: a wall-time histogram by job name
 * and a counter of jobs by outcome (completed, failed).
 */
export function createJobMetrics<L extends string = never>(options: JobMetricsOptions<L>): JobMetrics<L> {
  const jobSeconds = new Histogram<string>({
    name: `${options.prefix}_job_duration_seconds`,
    help: options.durationHelp,
    labelNames: ['name', ...(options.durationLabels ?? [])],
    buckets: options.bucketsS,
    registers: [options.registry],
  });
  const jobsTotal = new Counter({
    name: `${options.prefix}_jobs_total`,
    help: options.totalHelp,
    labelNames: ['name', 'outcome'],
    registers: [options.registry],
  });
  return {
    async time(labels, work) {
      const end = jobSeconds.startTimer(labels);
      try {
        return await work();
      } finally {
        end();
      }
    },
    observe(worker, logger) {
      worker.on('completed', (job) => jobsTotal.inc({ name: job.name, outcome: 'completed' }));
      worker.on('failed', (job, err) => {
        jobsTotal.inc({ name: job?.name ?? 'unknown', outcome: 'failed' });
        logger.warn({ jobId: job?.id, name: job?.name, err }, 'job failed');
      });
    },
  };
}
