import type { DataCategory } from '@servping/shared';

/**
 * The instance settings row (`settings`, id 1) of the servping database. The collector owns it
 * (creates it at start, admins change it); the aggregator reads it to report and submit.
 */
export interface InstanceSettings {
  enabled: boolean;
  uuid: string;
  hostname: string;
  version: string;
  edition: string;
  installationType: string;
  versionsUrl: string;
  permittedDataCategories: DataCategory[];
  license: Record<string, unknown> | null;
}

/** The select list that yields an {@link InstanceSettingsRow}. */
export const INSTANCE_SETTINGS_COLUMNS = `enabled, uuid, hostname, version, edition,
  installation_type, versions_url, permitted_data_categories, license`;

/** The `settings` row as pg returns it for {@link INSTANCE_SETTINGS_COLUMNS}. */
export interface InstanceSettingsRow {
  enabled: boolean;
  uuid: string;
  hostname: string;
  version: string;
  edition: string;
  installation_type: string;
  versions_url: string;
  permitted_data_categories: string[];
  license: Record<string, unknown> | null;
}

/** The one place where the row's column names become field names. */
export function toInstanceSettings(row: InstanceSettingsRow): InstanceSettings {
  return {
    enabled: row.enabled,
    uuid: row.uuid,
    hostname: row.hostname,
    version: row.version,
    edition: row.edition,
    installationType: row.installation_type,
    versionsUrl: row.versions_url,
    permittedDataCategories: row.permitted_data_categories as DataCategory[],
    license: row.license,
  };
}
