import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  JOB_QUEUE,
  ServpingError,
  submitRetryDelayMs,
  type JobDataByName,
  type JobName,
} from '@servping/shared';
import {
  createJobMetrics,
  createMetricsRegistry,
  createPgPool,
  createRedis,
  queueWorkerProcess,
  type Logger,
  type QueueWorkerProcess,
  RawUsageDataRepository,
  repeatedErrorLog,
  RunsRepository,
  SettingsRepository,
} from '@servping/runtime';
import type { AggregatorConfig } from './config';
import { aggregateRun } from './jobs/aggregate-run.job';
import { enqueueUnsentPayloads } from './jobs/enqueue-unsent';
import { SUBMIT_BACKOFF } from './jobs/submit-job-options';
import { submitPayload } from './jobs/submit-payload.job';
import { RunChildrenRepository } from './repositories/run-children.repository';
import { VersionsClient } from './repositories/versions-client.repository';

type AggregateJobName = Extract<JobName, 'aggregate-run' | 'submit-payload'>;

/** Fails at startup unless the handlers cover exactly the job names routed to the aggregate queue. */
function assertHandlers(names: readonly string[]): void {
  const routed = (Object.keys(JOB_QUEUE) as JobName[]).filter((n) => JOB_QUEUE[n] === 'aggregate');
  const missing = routed.filter((n) => !names.includes(n));
  const extra = names.filter((n) => !(routed as string[]).includes(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new ServpingError(
      'SERVPING_CONFIG',
      `aggregate queue handlers mismatch: missing [${missing.join(', ')}], not routed here [${extra.join(', ')}]`,
    );
  }
}

/** The aggregator process (its ops port once started: useful with AGGREGATOR_OPS_PORT=0). */
export type Aggregator = QueueWorkerProcess;

/**
 * Wires the aggregator: one BullMQ worker on `aggregate` running `aggregate-run` (merge → store)
 * and `submit-payload` (send with retries). Builds clients; nothing is processed before `start`.
 */
export function buildAggregator(config: AggregatorConfig, logger: Logger): Aggregator {
  const servpingDb = createPgPool({
    connectionString: config.servpingDatabaseUrl,
    applicationName: 'servping-aggregator',
  });
  const workerRedis = createRedis(config.redisUrl, 'blocking');
  const queueRedis = createRedis(config.redisUrl, 'blocking');
  const queueOptions = { connection: queueRedis, prefix: config.queuePrefix };
  const submitQueue = new Queue(JOB_QUEUE['submit-payload'], queueOptions);
  const metricsQueue = new Queue(JOB_QUEUE['compute-metric'], queueOptions);
  const lightQueue = new Queue(JOB_QUEUE['compute-light-metric'], queueOptions);

  const rawUsageData = new RawUsageDataRepository(servpingDb);
  const settings = new SettingsRepository(servpingDb);
  const runs = new RunsRepository(servpingDb);
  const jobLogger = logger.child({ component: 'jobs' });

  const handlers: { [N in AggregateJobName]: (job: Job<JobDataByName[N]>) => Promise<unknown> } = {
    'aggregate-run': (job) =>
      aggregateRun(job, {
        children: new RunChildrenRepository([metricsQueue, lightQueue]),
        rawUsageData,
        runs,
        submitQueue,
        submitRetryDelaysMs: config.submitRetryDelaysMs,
        logger: jobLogger,
      }),
    'submit-payload': (job) =>
      submitPayload(job, {
        rawUsageData,
        settings,
        versionsClient: (baseUrl) => new VersionsClient({ baseUrl, timeoutMs: config.submitTimeoutMs }),
        versionsUrlOverride: config.versionsUrl,
        logger: jobLogger,
        now: () => new Date(),
      }),
  };

  assertHandlers(Object.keys(handlers));

  const registry = createMetricsRegistry('aggregator');
  const jobMetrics = createJobMetrics({
    registry,
    prefix: 'servping_aggregator',
    durationHelp: 'Wall time of aggregate and submit jobs.',
    totalHelp: 'Aggregate and submit jobs by outcome.',
    bucketsS: [0.05, 0.1, 0.5, 1, 5, 15, 60],
  });

  const worker = new Worker(
    JOB_QUEUE['aggregate-run'],
    async (job: Job) => {
      const handler = handlers[job.name as AggregateJobName] as ((j: Job) => Promise<unknown>) | undefined;
      if (!handler) throw new UnrecoverableError(`no handler for job ${job.name} on the aggregate queue`);
      return jobMetrics.time({ name: job.name }, () => handler(job));
    },
    {
      connection: workerRedis,
      prefix: config.queuePrefix,
      concurrency: config.concurrency,
      autorun: false,
      settings: {
        // attempts = delays + 1, so attemptsMade always indexes the configured list.
        backoffStrategy: (attemptsMade, type) =>
          type === SUBMIT_BACKOFF ? (submitRetryDelayMs(attemptsMade, config.submitRetryDelaysMs) ?? 0) : 0,
      },
    },
  );
  jobMetrics.observe(worker, jobLogger);
  // Redis outages surface as bursts of 'error'; BullMQ reconnects by itself, so they are warnings.
  worker.on('error', repeatedErrorLog(logger, 'worker error'));
  const onQueueError = repeatedErrorLog(logger, 'queue error');
  for (const queue of [submitQueue, metricsQueue, lightQueue]) queue.on('error', onQueueError);

  return queueWorkerProcess({
    ops: {
      port: config.opsPort,
      registry,
      checks: {
        redis: () => queueRedis.ping(),
        servping_db: () => servpingDb.query('SELECT 1'),
      },
    },
    workers: [worker],
    logger,
    beforeRun: () =>
      enqueueUnsentPayloads({
        rawUsageData,
        settings,
        submitQueue,
        retryDelaysMs: config.submitRetryDelaysMs,
        logger,
      }),
    // Past the budget the jobs are abandoned to BullMQ's stalled-job recovery, which re-runs
    // them: both jobs are idempotent.
    stop: {
      timeoutMs: config.stopTimeoutMs,
      dependents: [submitQueue, metricsQueue, lightQueue],
      connections: [workerRedis, queueRedis],
    },
    close: () => servpingDb.end(),
  });
}
