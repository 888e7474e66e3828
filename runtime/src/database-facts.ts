import type { InstanceFacts } from '@servping/shared';

/** The slice of a pg Pool / Client this repository needs. */
export interface SqlQueryable {
  query<R extends Record<string, unknown>>(sql: string): Promise<{ rows: R[] }>;
}

/**
 * Markers that exist only on one managed PostgreSQL service, with the names GitLab's
 * `Database::Reflection#flavor` reports; the first match wins, none means plain PostgreSQL (null).
 * Aurora is recognised by its `aurora_version()` function, the others by a custom setting.
 */
const AURORA_FLAVOR = 'Amazon Aurora PostgreSQL';
const FLAVOR_SETTINGS: ReadonlyArray<readonly [setting: string, flavor: string]> = [
  ['rds.extensions', 'PostgreSQL on Amazon RDS'],
  ['cloudsql.iam_authentication', 'Cloud SQL for PostgreSQL'],
  ['azure.extensions', 'Azure Database for PostgreSQL - Flexible Server'],
  ['alloydb.iam_authentication', 'AlloyDB for PostgreSQL'],
];
const FLAVOR_SETTING_LIST = FLAVOR_SETTINGS.map(([setting]) => `'${setting}'`).join(', ');

/**
 * A standby's replay lag in seconds: 0 when it has replayed everything it received (an idle
 * primary writes nothing, so "now − last replayed commit" would grow without any lag), else the
 * age of the last replayed transaction; null on a primary or before anything was replayed.
 */
const REPLAY_LAG_SQL = `CASE WHEN NOT pg_is_in_recovery() THEN NULL
       WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
       ELSE round(EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::numeric, 3)::float8 END`;

/**
 * GitLab's `database.*` facts, read from the instance database itself: server version, the
 * cluster's system identifier (stable across restarts, unique per initdb) and the managed flavor.
 * `system_identifier` is a bigint beyond 2^53, so it is cast to text in SQL and never parsed.
 */
export async function readDatabaseFacts(db: SqlQueryable): Promise<InstanceFacts['database']> {
  const { rows } = await db.query<{
    version: string;
    system_id: string | null;
    aurora: boolean;
    flavor_settings: string[] | null;
    standby: boolean;
    replay_lag_s: number | null;
  }>(
    `SELECT current_setting('server_version') AS version,
            (SELECT system_identifier::text FROM pg_control_system()) AS system_id,
            EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'aurora_version') AS aurora,
            (SELECT array_agg(name::text) FROM pg_settings WHERE name IN (${FLAVOR_SETTING_LIST})) AS flavor_settings,
            pg_is_in_recovery() AS standby,
            ${REPLAY_LAG_SQL} AS replay_lag_s`,
  );
  const row = rows[0];
  if (!row) throw new Error('the instance database returned no row for its facts');
  const present = new Set(row.flavor_settings ?? []);
  return {
    adapter: 'postgresql',
    version: row.version,
    pgSystemId: row.system_id,
    flavor: row.aurora
      ? AURORA_FLAVOR
      : (FLAVOR_SETTINGS.find(([setting]) => present.has(setting))?.[1] ?? null),
    ...(row.standby
      ? { standby: true, replayLagS: row.replay_lag_s === null ? null : Number(row.replay_lag_s) }
      : {}),
  };
}
