import { createLogger, type Logger } from '@servping/runtime';
import { loadConfig, type VersionsConfig } from './config';
import { createVersionsDatabase, migrateToLatest } from './repositories/database.repository';

/** `npm run migrate -w services/versions`: applies pending migrations and exits. */
async function migrate(config: VersionsConfig, logger: Logger): Promise<void> {
  const db = createVersionsDatabase({
    connectionString: config.databaseUrl,
    poolMax: 1,
    statementTimeoutMs: 0,
    logger,
  });
  try {
    const applied = await migrateToLatest(db, { connectionString: config.databaseUrl });
    logger.info({ applied }, 'migrations applied');
  } finally {
    await db.destroy();
  }
}

const config = loadConfig(process.env);
const logger = createLogger({ service: 'versions-migrate', level: config.logLevel });
migrate(config, logger).catch((err: unknown) => {
  logger.fatal({ err }, 'migration failed');
  process.exitCode = 1;
});
