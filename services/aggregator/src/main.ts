import { createLogger, runService } from '@servping/runtime';
import { describeConfig } from '@servping/shared';
import { aggregatorEnv, loadConfig } from './config';
import { buildAggregator } from './app';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'aggregator', level: config.logLevel });
logger.info({ config: describeConfig(aggregatorEnv, config) }, 'configuration');
const aggregator = buildAggregator(config, logger);
void runService({
  logger,
  start: () => aggregator.start(),
  stop: () => aggregator.stop(),
  stopTimeoutMs: config.stopTimeoutMs + 10_000,
});
