import knex, { type Knex } from 'knex';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from '@servping/runtime';

/** The knex migrations, plain SQL in `services/versions/migrations` (next to src/ and dist/). */
export const MIGRATIONS_DIRECTORY = path.resolve(__dirname, '..', '..', 'migrations');

/** A knex instance on the Versions database. The caller owns it and must `destroy()` it. */
export function createVersionsDatabase(options: {
  connectionString: string;
  poolMax: number;
  statementTimeoutMs: number;
  logger: Logger;
}): Knex {
  const log = options.logger.child({ component: 'knex' });
  return knex({
    client: 'pg',
    connection: {
      connectionString: options.connectionString,
      application_name: 'servping-versions',
      statement_timeout: options.statementTimeoutMs || undefined,
      // An unreachable database must read as "not ready" quickly, not after the 60 s default.
      connectionTimeoutMillis: 3_000,
    },
    pool: { min: 0, max: options.poolMax },
    acquireConnectionTimeout: 5_000,
    migrations: { directory: MIGRATIONS_DIRECTORY, loadExtensions: ['.js'] },
    // knex prints to the console by default; its messages belong in the structured log.
    log: {
      warn: (message: unknown) => log.warn({ detail: String(message) }, 'knex warning'),
      error: (message: unknown) => log.error({ detail: String(message) }, 'knex error'),
      deprecate: (method: string, alternative: string) =>
        log.warn({ method, alternative }, 'knex deprecation'),
      debug: (message: unknown) => log.debug({ detail: String(message) }, 'knex debug'),
    },
  });
}

/** The advisory lock key replicas migrating the Versions database take turns on. */
const MIGRATION_LOCK_SQL = `hashtext('servping_versions_migrations')`;

/**
 * Applies pending migrations; returns the names of those it ran. Replicas starting together take
 * turns on a session-level advisory lock (on a connection of its own, outside the pool): knex's own
 * lock row makes the second one fail ("Migration table is already locked") instead of waiting, and
 * on an empty database both would race to create knex's tables. The second finds nothing to do.
 */
export async function migrateToLatest(db: Knex, options: { connectionString: string }): Promise<string[]> {
  const lock = new Client({
    connectionString: options.connectionString,
    application_name: 'servping-versions-migrate',
    connectionTimeoutMillis: 3_000,
  });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_SQL})`);
    const [, applied] = (await db.migrate.latest()) as [number, string[]];
    return applied;
  } finally {
    // Ending the session releases the lock.
    await lock.end();
  }
}

/** Resolves when the database answers a query (the readiness check). */
export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('SELECT 1');
}
