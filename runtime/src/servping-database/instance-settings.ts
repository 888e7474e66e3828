import type { DataCategory } from '@servping/shared';

/**
 * What happens to a run's payload: `send` posts it to Versions; `collect_only` (GitLab's offline
 * instances) stores it to be downloaded and uploaded by hand, and the aggregator never sends it.
 */
export const SEND_MODES = ['send', 'collect_only'] as const;
export type SendMode = (typeof SEND_MODES)[number];

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
  sendMode: SendMode;
}

/** The select list that yields an {@link InstanceSettingsRow}. */
export const INSTANCE_SETTINGS_COLUMNS = `enabled, uuid, hostname, version, edition,
  installation_type, versions_url, permitted_data_categories, license, send_mode`;

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
  send_mode: SendMode;
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
    sendMode: row.send_mode,
  };
}
