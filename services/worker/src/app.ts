import { Queue, Worker, type Job } from 'bullmq';
import { Counter } from 'prom-client';
import { createRedisUsageReader, InstanceDbRepository } from '@servping/compute';
import { JOB_QUEUE, type JobDataByName, type MetricResult } from '@servping/shared';
import {
  createJobMetrics,
  createMetricsRegistry,
  createRedis,
  queueWorkerProcess,
  type Logger,
  type QueueWorkerProcess,
  repeatedErrorLog,
} from '@servping/runtime';
import type { WorkerConfig } from './config';
import { computeMetricJob } from './jobs/compute-metric.job';
import { computeShard } from './jobs/compute-shard.job';
import { computePass } from './jobs/compute-pass.job';
import { passJobReader } from './repositories/pass-jobs.repository';
import { runComputeContext } from './jobs/run-compute-context';

/** The worker process (its ops port once started: useful with WORKER_OPS_PORT=0). */
export type MetricWorker = QueueWorkerProcess;

/**
 * Wires a worker process: BullMQ workers on `metrics`, `light` and `shards` (one blocking
 * connection each), a connection for reading usage counters, and the read-only instance database.
 * Builds clients; nothing is processed before `start`.
 */
export function buildWorker(config: WorkerConfig, logger: Logger): MetricWorker {
  const db = InstanceDbRepository.connect({
    connectionString: config.instanceDatabaseUrl,
    applicationName: 'servping-worker',
    statementTimeoutMs: config.statementTimeoutMs,
    max: config.databasePoolSize,
  });
  const countersRedis = createRedis(config.redisUrl, 'blocking');
  const usage = createRedisUsageReader(countersRedis);
  const metricsRedis = createRedis(config.redisUrl, 'blocking');
  const shardsRedis = createRedis(config.redisUrl, 'blocking');
  const lightRedis = createRedis(config.redisUrl, 'blocking');
  // Metric jobs of a shared pass read their pass job's state and result here.
  const passesRedis = createRedis(config.redisUrl, 'blocking');
  const passQueue = new Queue(JOB_QUEUE['compute-pass'], {
    connection: passesRedis,
    prefix: config.queuePrefix,
  });
  const readPass = passJobReader(passQueue);

  const registry = createMetricsRegistry('worker');
  const jobMetrics = createJobMetrics({
    registry,
    prefix: 'servping_worker',
    durationHelp: 'Wall time of metric and shard jobs, by job name and metric kind.',
    totalHelp: 'Metric and shard jobs by outcome (completed, failed).',
    durationLabels: ['kind'],
    bucketsS: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
  });
  const fallbacksTotal = new Counter({
    name: 'servping_worker_metric_fallbacks_total',
    help: 'Metrics that reported a fallback value, by key_path.',
    labelNames: ['key_path'],
    registers: [registry],
  });

  const workerOptions = (connection: typeof metricsRedis) => ({
    connection,
    prefix: config.queuePrefix,
    concurrency: config.concurrency,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    autorun: false,
  });

  /** One metric job, database or light: both run the same counter and report fallbacks alike. */
  const processMetric = async (
    job: Job<JobDataByName['compute-metric'] | JobDataByName['compute-light-metric']>,
    signal: AbortSignal | undefined,
    token: string | undefined,
  ): Promise<MetricResult> =>
    jobMetrics.time({ name: job.name, kind: job.data.metric.spec.kind }, async () => {
      const result = await computeMetricJob(
        job,
        () =>
          runComputeContext(job.data, {
            db,
            usage,
            deadlineMs: config.metricDeadlineMs,
            targetStatementMs: config.targetStatementMs,
            prometheusUrl: config.prometheusUrl,
            signal,
          }),
        { read: readPass, token },
      );
      if (result.error !== undefined) {
        fallbacksTotal.inc({ key_path: result.keyPath });
        logger.warn(
          { runId: job.data.runId, keyPath: result.keyPath, error: result.error },
          'metric fell back',
        );
      }
      return result;
    });
  const metricsWorker = new Worker<JobDataByName['compute-metric'], MetricResult>(
    JOB_QUEUE['compute-metric'],
    (job, token, signal) => processMetric(job, signal, token),
    workerOptions(metricsRedis),
  );
  const lightWorker = new Worker<JobDataByName['compute-light-metric'], MetricResult>(
    JOB_QUEUE['compute-light-metric'],
    (job, token, signal) => processMetric(job, signal, token),
    { ...workerOptions(lightRedis), concurrency: config.lightConcurrency },
  );
  // Shards of a metric and shared table passes (and their shards) share the counting queue.
  const shardsWorker = new Worker<JobDataByName['compute-shard'] | JobDataByName['compute-pass']>(
    JOB_QUEUE['compute-shard'],
    async (job, _token, signal) => {
      const deps = {
        db,
        deadlineMs: config.metricDeadlineMs,
        targetStatementMs: config.targetStatementMs,
        signal,
      };
      return jobMetrics.time({ name: job.name, kind: 'database' }, (): Promise<unknown> =>
        'pass' in job.data
          ? computePass(job as Job<JobDataByName['compute-pass']>, deps)
          : computeShard(job as Job<JobDataByName['compute-shard']>, deps),
      );
    },
    workerOptions(shardsRedis),
  );

  const workers: Worker[] = [metricsWorker, lightWorker, shardsWorker];
  // Redis outages surface as bursts of 'error'; BullMQ reconnects by itself, so they are warnings.
  const onWorkerError = repeatedErrorLog(logger, 'worker error');
  // The counters connection is nobody's BullMQ connection: without a listener ioredis writes its
  // reconnect errors to stderr, outside the structured log.
  countersRedis.on('error', onWorkerError);
  for (const worker of workers) {
    jobMetrics.observe(worker, logger);
    worker.on('error', onWorkerError);
  }

  return queueWorkerProcess({
    ops: {
      port: config.opsPort,
      registry,
      checks: {
        redis: () => countersRedis.ping(),
        instance_db: () => db.ping(),
      },
    },
    workers,
    logger,
    // Past the budget the jobs are cancelled (their statements too, through the signal) and
    // the workers forced closed; BullMQ's stalled-job check re-runs them elsewhere, which is
    // safe because counting only reads.
    stop: {
      timeoutMs: config.stopTimeoutMs,
      onOverrun: () => {
        for (const w of workers) w.cancelAllJobs('worker shutting down');
      },
      dependents: [passQueue],
      connections: [countersRedis, metricsRedis, lightRedis, shardsRedis, passesRedis],
    },
    close: () => db.close(),
  });
}
