/**
 * Creating and migrating the demo instance database from the plain SQL files in
 * `demo/schema/`: numbered migrations applied once each in file-name order (recorded in
 * `schema_migrations`), then the read-only counting role when the connecting user may create it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

/** `demo/schema` of this checkout; the same depth from `src` and `dist`. */
export const INSTANCE_DB_DIR = path.resolve(__dirname, '../schema');

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The database name of a postgres URL; only plain lower-case identifiers are accepted. */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!DATABASE_NAME.test(name)) {
    throw new Error(`instance database name "${name}" must match ${DATABASE_NAME.source}`);
  }
  return name;
}

/** The same server's maintenance database, used to create or drop the instance database. */
function maintenanceUrl(url: string): string {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  return maintenance.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'servping-demo-seed' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database of `url` when it does not exist; resolves to true when it created it. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseNameOf(url);
  return withClient(maintenanceUrl(url), async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
}

/** Drops the database of `url` (tests clean up their own databases with it). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  await withClient(maintenanceUrl(url), (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}

/** SHA-256 over the migrations' names and texts in `dir`: equal digests, equal schemas. */
export async function instanceSchemaDigest(dir: string = INSTANCE_DB_DIR): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await migrationFiles(dir)) {
    hash.update(`${file}\0${await readFile(path.join(dir, 'migrations', file), 'utf8')}\0`);
  }
  return hash.digest('hex');
}

async function migrationFiles(dir: string): Promise<string[]> {
  return (await readdir(path.join(dir, 'migrations'))).filter((f) => f.endsWith('.sql')).sort();
}

/** Applies every migration not yet recorded, in file-name order; resolves to the applied names. */
export async function migrateInstanceDatabase(url: string, dir: string = INSTANCE_DB_DIR): Promise<string[]> {
  const files = await migrationFiles(dir);
  return withClient(url, async (client) => {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(path.join(dir, 'migrations', file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
    return applied;
  });
}

/**
 * Creates/refreshes `servping_reader` from roles.sql when the user is a superuser or may create
 * roles; resolves to false (and changes nothing) otherwise.
 */
export async function applyReaderRole(url: string, dir: string = INSTANCE_DB_DIR): Promise<boolean> {
  const sql = await readFile(path.join(dir, 'roles.sql'), 'utf8');
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ allowed: boolean }>(
      'SELECT rolsuper OR rolcreaterole AS allowed FROM pg_roles WHERE rolname = current_user',
    );
    if (!rows[0]?.allowed) return false;
    // Roles are server-wide: two seeders of different databases may update the role at the same
    // moment and one fails with "tuple concurrently updated"; running the script again succeeds.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(sql);
        return true;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  });
}
