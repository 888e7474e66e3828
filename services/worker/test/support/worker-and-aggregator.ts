/**
 * A real worker and aggregator in this process, on one database that holds both the instance
 * tables and servping's own, sharing a queue prefix: the pipeline after the collector's plan.
 */
import { createLogger } from '@servping/runtime';
import { buildWorker, loadConfig } from '@servping/worker';
import { buildAggregator, loadConfig as loadAggregatorConfig } from '@servping/aggregator';

export interface RunningPipeline {
  stop(): Promise<void>;
}

export async function startWorkerAndAggregator(options: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  versionsUrl: string;
}): Promise<RunningPipeline> {
  const logger = createLogger({ service: 'worker', level: 'silent' });
  const env = {
    INSTANCE_DATABASE_URL: options.databaseUrl,
    SERVPING_DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    SERVPING_QUEUE_PREFIX: options.prefix,
    WORKER_OPS_PORT: '0',
    AGGREGATOR_OPS_PORT: '0',
    VERSIONS_URL: options.versionsUrl,
    WORKER_STOP_TIMEOUT_MS: '2000',
    AGGREGATOR_STOP_TIMEOUT_MS: '2000',
  };
  const worker = buildWorker(loadConfig(env), logger);
  const aggregator = buildAggregator(loadAggregatorConfig(env), logger);
  await Promise.all([worker.start(), aggregator.start()]);
  return {
    stop: async () => {
      await Promise.all([worker.stop(), aggregator.stop()]);
    },
  };
}
