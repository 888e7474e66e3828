import { createLogger, runService } from '@servping/runtime';
import { loadConfig } from './config';
import { buildApp } from './app';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'versions', level: config.logLevel });
const versions = buildApp(config, { logger });
void runService({
  logger,
  start: async () => {
    await versions.start();
  },
  stop: versions.stop,
});
