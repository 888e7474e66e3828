import path from 'node:path';
import knex from 'knex';
import { Client } from 'pg';

const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

/**
 * Creates the servping database when it does not exist yet (connecting to the server's
 * `postgres` database), so a fresh install needs no manual `createdb`.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  // A connection lost mid-statement fails the statement; without a listener it would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        // 42P04 duplicate_database, 23505 unique_violation: another process created it first.
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await client.end();
  }
}

/** Creates the database if missing and applies every pending migration; returns the names applied. */
export async function migrateServpingDatabase(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const db = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  try {
    const [, applied] = (await db.migrate.latest({
      directory: MIGRATIONS_DIR,
      loadExtensions: ['.js'],
    })) as [number, string[]];
    return applied;
  } finally {
    await db.destroy();
  }
}
