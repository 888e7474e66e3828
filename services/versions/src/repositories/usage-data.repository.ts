import type { Knex } from 'knex';
import { mayHoldNumberJsonbRefuses } from '../ingest/json-guards';
import type { PingMetricValues } from '../ingest/ping-metric-values';
import type { UsageDataFacts } from '../ingest/usage-data-facts';
import { DEVOPS_METRICS, type DevopsScore, type PerUserValues } from '../scoring/devops-score';
import { float8ArrayBinary, int4ArrayBinary } from './binary-array';

export interface StoredPing {
  usageDataId: number;
  /** false when this (uuid, recorded_at) was already stored: the answer is the stored one. */
  created: boolean;
  /** null on an instance's first ping: GitLab's client then stores only the id. */
  score: DevopsScore | null;
}

const SCORE_COLUMNS = DEVOPS_METRICS.flatMap((m) => [`leader_${m}`, `instance_${m}`, `percentage_${m}`]);

/**
 * PostgreSQL's jsonb refuses some numbers JSON.parse accepts: more than 16383 fractional digits or
 * an exponent below -16383 (numeric_value_out_of_range, invalid_text_representation).
 */
const UNREADABLE_JSON_CODES = new Set(['22003', '22P02']);

interface IngestRow {
  usage_data_id: string;
  created: boolean;
  reported: boolean;
  /** The ping's conversational_development_indices row (none for a re-send of an unscored ping). */
  score_row: Record<string, unknown> | null;
}

/**
 * The ingest statement. The CTE runs the function once (it is referenced twice, so it is
 * materialised); the INSERT runs whether or not the outer query reads it, and only for a ping
 * stored just now.
 */
const INGEST_SQL = `WITH stored AS (
       SELECT * FROM ingest_usage_data(
         p_uuid => ?, p_hostname => ?, p_recorded_at => ?, p_version => ?, p_edition => ?,
         p_installation_type => ?, p_active_user_count => ?, p_historical_max_users => ?,
         p_license_md5 => ?, p_license_sha256 => ?, p_license_id => ?, p_license_plan => ?,
         p_license_user_count => ?, p_license_starts_at => ?, p_license_expires_at => ?,
         p_license_trial => ?, p_license_subscription_id => ?,
         p_payload => ?::json, p_received_at => ?, p_per_user => ?::float8[])),
     metric_values_row AS (
       INSERT INTO ping_metric_values (usage_data_id, key_set_id, key_count, "values", failed_key_ids)
       SELECT usage_data_id, ?::integer, ?::integer, ?::float8[], ?::integer[] FROM stored WHERE created)
     SELECT * FROM stored`;

/** `usage_data` and what ingest writes with each ping: its metric values and DevOps score. */
export class UsageDataRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Stores one ping, its metric values and its DevOps score in one statement (one round trip):
   * ingest_usage_data() upserts the instance (locking its row, which serialises concurrent pings of
   * one instance), inserts the usage_data row or finds the existing one, and for a new ping reads the
   * leaders among other instances (one row of the leader snapshot), scores the ping's per-user values
   * against them (devops_score(), GitLab's formula as computeDevopsScore writes it) and writes the
   * score and the instance's leader values; the same statement writes the ping's ping_metric_values
   * row (its values and the id of its key set) when the ping is new. Being one statement it is
   * atomic: whoever sees the usage_data row also sees its values and score, and a failure leaves
   * nothing.
   *
   * `payloadText` is the request body as received, stored as the payload (`json`) without
   * re-serialising or parsing it into jsonb; `payload` is the same document parsed. A body that may
   * hold a number jsonb cannot read (`mayHoldNumberJsonbRefuses`, rare) is first read as jsonb by
   * PostgreSQL; if it cannot be, the parsed document is stored re-serialised, so `payload::jsonb`
   * (the flattening view, analysts' casts) reads every stored row.
   */
  async storePing(input: {
    facts: UsageDataFacts;
    payloadText: string;
    payload: unknown;
    /** The ping's numeric leaves by key id (see MetricKeyTrie). */
    metricValues: PingMetricValues;
    /** The metric_key_sets id of `metricValues.keyIds` (see MetricKeySetsRepository). */
    keySetId: number;
    perUser: PerUserValues;
    receivedAt: Date;
  }): Promise<StoredPing> {
    const jsonbReadable =
      !mayHoldNumberJsonbRefuses(input.payloadText) || (await this.jsonbReads(input.payloadText));
    // JSON.stringify writes every number as a double PostgreSQL can read (1e-20000 becomes 0).
    const payloadText = jsonbReadable ? input.payloadText : JSON.stringify(input.payload);
    const row = await this.ingestUsageData(input, payloadText);
    return {
      usageDataId: Number(row.usage_data_id),
      created: row.created,
      score: row.reported ? pickScore(row.score_row) : null,
    };
  }

  private async ingestUsageData(
    input: {
      facts: UsageDataFacts;
      metricValues: PingMetricValues;
      keySetId: number;
      perUser: PerUserValues;
      receivedAt: Date;
    },
    payloadText: string,
  ): Promise<IngestRow> {
    const { facts, metricValues } = input;
    const result = await this.db
      .raw<{ rows: IngestRow[] }>(INGEST_SQL, [
        facts.uuid,
        facts.hostname,
        facts.recordedAt,
        facts.version,
        facts.edition,
        facts.installationType,
        facts.activeUserCount,
        facts.historicalMaxUsers,
        facts.licenseMd5,
        facts.licenseSha256,
        facts.licenseId,
        facts.licensePlan,
        facts.licenseUserCount,
        facts.licenseStartsAt,
        facts.licenseExpiresAt,
        facts.licenseTrial,
        facts.licenseSubscriptionId,
        payloadText,
        input.receivedAt,
        float8ArrayBinary(DEVOPS_METRICS.map((metric) => input.perUser[metric])),
        input.keySetId,
        metricValues.keyIds.length,
        float8ArrayBinary(metricValues.values),
        int4ArrayBinary(metricValues.failedKeyIds),
      ])
      // A named statement is parsed and planned once per connection: ~0.2 ms of PostgreSQL CPU a ping
      // (backend CPU over 400 calls in one session, 1.10 → 0.83-0.93 ms for the statement without
      // payload and values).
      .options({ name: 'versions_ingest_usage_data' });
    return result.rows[0]!;
  }

  /** Whether PostgreSQL reads `jsonText` as jsonb (false when a number in it is out of numeric's range). */
  private async jsonbReads(jsonText: string): Promise<boolean> {
    try {
      await this.db.raw('SELECT ?::jsonb IS NULL', [jsonText]);
      return true;
    } catch (err) {
      if (UNREADABLE_JSON_CODES.has((err as { code?: string }).code ?? '')) return false;
      throw err;
    }
  }
}

function pickScore(row: Record<string, unknown> | null): DevopsScore | null {
  if (!row) return null;
  return Object.fromEntries(SCORE_COLUMNS.map((column) => [column, row[column]])) as DevopsScore;
}
