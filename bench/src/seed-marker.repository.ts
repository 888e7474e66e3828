/**
 * A one-row marker table in the instance database saying which `demo seed --rows --seed` filled
 * it, and into which schema, so repeated bench runs at the same scale skip the (minutes-long)
 * seeding. The marker is
 * cleared before seeding and written only after the seeder finished, so an interrupted seed is
 * never taken for a complete one. The demo tables are UNLOGGED, so a server crash empties them
 * while the (logged) marker survives: the marker only counts when the data is there too.
 */
import type { Client } from 'pg';
import { withPgSession } from './pg-session.repository';

export interface SeedMarker {
  rows: number;
  seed: number;
  /** `instanceSchemaDigest` of the schema the data was loaded into: another schema reseeds. */
  schema: string;
  /** The `--now` the timestamps were generated relative to (ISO). */
  now: string;
  seededAt: string;
}

const TABLE = 'servping_bench_seed';
/**
 * A demo table every seed fills. Crash recovery resets every unlogged table at once, so one
 * non-empty table is enough to know the seed survived; EXISTS reads one row, not the table.
 */
const PROBE_TABLE = 'users';
const UNDEFINED_TABLE = '42P01';
/** A marker written before it carried the schema digest: it vouches for nothing. */
const UNDEFINED_COLUMN = '42703';
const INVALID_CATALOG = '3D000';

const withClient = <T>(url: string, use: (client: Client) => Promise<T>) =>
  withPgSession(url, 'servping-bench', use);

/**
 * The marker, or null when the database, the table or the row does not exist, or when the demo
 * data it vouches for is gone (the probe table is missing or empty).
 */
export async function readSeedMarker(url: string): Promise<SeedMarker | null> {
  try {
    return await withClient(url, async (client) => {
      const { rows } = await client.query<{
        rows: string;
        seed: string;
        schema: string;
        now: Date;
        seeded_at: Date;
      }>(`SELECT rows, seed, schema, now, seeded_at FROM ${TABLE} LIMIT 1`);
      const row = rows[0];
      if (!row) return null;
      const probe = await client.query<{ present: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${PROBE_TABLE}) AS present`,
      );
      if (probe.rows[0]?.present !== true) return null;
      return {
        rows: Number(row.rows),
        seed: Number(row.seed),
        schema: row.schema,
        now: row.now.toISOString(),
        seededAt: row.seeded_at.toISOString(),
      };
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === UNDEFINED_TABLE || code === UNDEFINED_COLUMN || code === INVALID_CATALOG) return null;
    throw error;
  }
}

/** Drops the marker; a database that does not exist yet has none to drop. */
export async function clearSeedMarker(url: string): Promise<void> {
  try {
    await withClient(url, (client) => client.query(`DROP TABLE IF EXISTS ${TABLE}`));
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG) throw error;
  }
}

export async function writeSeedMarker(url: string, marker: SeedMarker): Promise<void> {
  await withClient(url, async (client) => {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.query(
      `CREATE TABLE ${TABLE} (rows bigint NOT NULL, seed bigint NOT NULL, schema text NOT NULL, now timestamptz NOT NULL, seeded_at timestamptz NOT NULL)`,
    );
    await client.query(
      `INSERT INTO ${TABLE} (rows, seed, schema, now, seeded_at) VALUES ($1, $2, $3, $4, $5)`,
      [marker.rows, marker.seed, marker.schema, marker.now, marker.seededAt],
    );
  });
}
