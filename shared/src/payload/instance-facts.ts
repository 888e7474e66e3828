import type { DataCategory } from '../definitions/types';
import type { MetricValue } from './metric-result';

/**
 * What an instance says about itself in every payload, next to its metrics: identity and version
 * from the servping settings, the database from the instance database. The worker's system
 * metrics read the same shape, so a fact has one value whichever side reports it.
 */
export interface InstanceFacts {
  uuid: string;
  hostname: string;
  version: string;
  edition: string;
  installationType: string;
  database: {
    adapter: string;
    version: string;
    /** `pg_control_system().system_identifier` as decimal text: it outgrows a double. */
    pgSystemId: string | null;
    /** A managed-service name, or null for a plain PostgreSQL. */
    flavor: string | null;
    /** True when the counting database is a hot standby (`pg_is_in_recovery()`); absent or false on a primary. */
    standby?: boolean;
    /**
     * On a standby, how far its replay was behind the primary when the run started, in seconds
     * (0 when it had replayed all it received; null before it replayed anything).
     */
    replayLagS?: number | null;
  };
  collectedDataCategories: readonly DataCategory[];
}

/**
 * The facts of a run as `[key_path, value]` entries with GitLab's payload names: the one place
 * where fact fields get their wire names. `license` fields go under `license.`.
 */
export function instanceFactEntries(
  facts: InstanceFacts,
  recordedAt: string,
  license: Readonly<Record<string, MetricValue>>,
): Array<[string, MetricValue]> {
  return [
    ['uuid', facts.uuid],
    ['hostname', facts.hostname],
    ['version', facts.version],
    ['edition', facts.edition],
    ['installation_type', facts.installationType],
    ['recorded_at', recordedAt],
    ['database.adapter', facts.database.adapter],
    ['database.version', facts.database.version],
    ['database.pg_system_id', facts.database.pgSystemId],
    ['database.flavor', facts.database.flavor],
    // Not in GitLab's payload: sent only when counting ran on a standby, so that its counts can
    // be read as "as of replay_lag_seconds ago" (issue 16).
    ...(facts.database.standby
      ? ([
          ['database.standby', true],
          ['database.replay_lag_seconds', facts.database.replayLagS ?? null],
        ] satisfies Array<[string, MetricValue]>)
      : []),
    // GitLab sends an array; MetricValue has no array form, so the worker's system metric and
    // this fact both send the categories as comma-separated text.
    ['settings.collected_data_categories', facts.collectedDataCategories.join(',')],
    ...Object.entries(license).map(([k, v]): [string, MetricValue] => [`license.${k}`, v]),
  ];
}
