import type { Pool } from 'pg';
import { ServpingError, type DataCategory } from '@servping/shared';
import {
  INSTANCE_SETTINGS_COLUMNS,
  toInstanceSettings,
  type InstanceSettings,
  type InstanceSettingsRow,
} from './instance-settings';

/** Facts the deployment states at every start (env), as opposed to state an admin changes. */
export type DeploymentFacts = Pick<
  InstanceSettings,
  'hostname' | 'version' | 'edition' | 'installationType' | 'versionsUrl'
>;

export type SettingsChange = Partial<
  Pick<InstanceSettings, 'enabled' | 'permittedDataCategories' | 'license' | 'sendMode'>
>;

/**
 * The single `settings` row of the servping database (schema: docs/architecture.md). The
 * collector creates and changes it; the aggregator only reads it (`get`).
 */
export class SettingsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Creates the row on first start (the uuid is generated then, once) and refreshes the
   * deployment facts on later starts: a new version is a new fact, the uuid and admin choices stay.
   */
  async initialize(facts: DeploymentFacts, categories: readonly DataCategory[]): Promise<InstanceSettings> {
    const { rows } = await this.pool.query<InstanceSettingsRow>(
      `INSERT INTO settings (id, hostname, version, edition, installation_type, versions_url, permitted_data_categories)
       VALUES (1, $1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET hostname = EXCLUDED.hostname, version = EXCLUDED.version,
         edition = EXCLUDED.edition, installation_type = EXCLUDED.installation_type,
         versions_url = EXCLUDED.versions_url, updated_at = now()
       RETURNING ${INSTANCE_SETTINGS_COLUMNS}`,
      [facts.hostname, facts.version, facts.edition, facts.installationType, facts.versionsUrl, categories],
    );
    return toInstanceSettings(rows[0] as InstanceSettingsRow);
  }

  /** Throws when the row is missing: the collector creates it at start (`initialize`). */
  async get(): Promise<InstanceSettings> {
    const { rows } = await this.pool.query<InstanceSettingsRow>(
      `SELECT ${INSTANCE_SETTINGS_COLUMNS} FROM settings WHERE id = 1`,
    );
    const row = rows[0];
    if (!row) {
      throw new ServpingError(
        'SERVPING_CONFIG',
        'servping settings row is missing: the collector creates it at start (is it migrated?)',
      );
    }
    return toInstanceSettings(row);
  }

  async update(change: SettingsChange): Promise<InstanceSettings> {
    const { rows } = await this.pool.query<InstanceSettingsRow>(
      `UPDATE settings SET enabled = COALESCE($1, enabled),
         permitted_data_categories = COALESCE($2, permitted_data_categories),
         license = CASE WHEN $3::boolean THEN $4::jsonb ELSE license END,
         send_mode = COALESCE($5, send_mode), updated_at = now()
       WHERE id = 1 RETURNING ${INSTANCE_SETTINGS_COLUMNS}`,
      [
        change.enabled ?? null,
        change.permittedDataCategories ?? null,
        change.license !== undefined,
        change.license === undefined ? null : JSON.stringify(change.license),
        change.sendMode ?? null,
      ],
    );
    return toInstanceSettings(rows[0] as InstanceSettingsRow);
  }
}
