import { createLogger, runService } from '@servping/runtime';
import { describeConfig } from '@servping/shared';
import { buildCollector } from './app';
import { collectorEnv, loadConfig } from './config';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'collector', level: config.logLevel });
logger.info({ config: describeConfig(collectorEnv, config) }, 'configuration');
const collector = buildCollector(config, { logger });
void runService({ logger, start: async () => void (await collector.start()), stop: () => collector.stop() });
