import type { Pool } from 'pg';
import { DATA_CATEGORIES, ServpingError, type DataCategory, type MetricValue } from '@servping/shared';
import {
  INSTANCE_SETTINGS_COLUMNS,
  toInstanceSettings,
  type InstanceSettings,
  type InstanceSettingsRow,
} from '@servping/runtime';

/** The part of the collector's `settings` row the aggregator reports and submits with. */
export type SubmitSettings = Pick<
  InstanceSettings,
  'uuid' | 'hostname' | 'version' | 'edition' | 'installationType' | 'versionsUrl' | 'sendMode'
> & {
  permittedCategories: DataCategory[];
  license: Record<string, MetricValue>;
};

/** Reads the single `settings` row written by the collector. */
export function createSettingsRepository(pool: Pool) {
  return {
    /** Throws when the row is missing: without a uuid no payload can be built. */
    async read(): Promise<SubmitSettings> {
      const { rows } = await pool.query<InstanceSettingsRow>(
        `SELECT ${INSTANCE_SETTINGS_COLUMNS} FROM settings WHERE id = 1`,
      );
      const row = rows[0];
      if (!row)
        throw new ServpingError(
          'SERVPING_CONFIG',
          'servping settings row is missing (is the collector migrated?)',
        );
      const { uuid, hostname, version, edition, installationType, versionsUrl, sendMode, ...rest } =
        toInstanceSettings(row);
      return {
        uuid,
        hostname,
        version,
        edition,
        installationType,
        versionsUrl,
        sendMode,
        // A category this version does not know is not reported rather than failing the run.
        permittedCategories: rest.permittedDataCategories.filter((c) =>
          (DATA_CATEGORIES as readonly string[]).includes(c),
        ),
        license: (rest.license ?? {}) as Record<string, MetricValue>,
      };
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
