/** `npm run migrate -w services/collector`: creates and migrates the servping database, then exits. */
import { createLogger } from '@servping/runtime';
import { loadConfig } from './config';
import { migrateServpingDatabase } from './database/servping-database';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'collector-migrate', level: config.logLevel });
migrateServpingDatabase(config.servpingDatabaseUrl).then(
  (applied) => logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'already up to date'),
  (err: unknown) => {
    logger.fatal({ err }, 'migration failed');
    process.exitCode = 1;
  },
);
