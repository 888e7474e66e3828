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
  }>(
    `SELECT current_setting('server_version') AS version,
            (SELECT system_identifier::text FROM pg_control_system()) AS system_id,
            EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'aurora_version') AS aurora,
            (SELECT array_agg(name::text) FROM pg_settings WHERE name IN (${FLAVOR_SETTING_LIST})) AS flavor_settings`,
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
  };
}
