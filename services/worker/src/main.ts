import { createLogger, runService } from '@servping/runtime';
import { describeConfig } from '@servping/shared';
import { buildWorker } from './app';
import { loadConfig, workerEnv } from './config';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'worker', level: config.logLevel });
logger.info({ config: describeConfig(workerEnv, config) }, 'configuration');
const worker = buildWorker(config, logger);
void runService({
  logger,
  start: () => worker.start(),
  stop: () => worker.stop(),
  stopTimeoutMs: config.stopTimeoutMs + 10_000,
});
