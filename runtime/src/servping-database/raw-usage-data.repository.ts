import type { Pool } from 'pg';
import type { PayloadObject, WireTimingsMetadata } from '@servping/shared';

/** A stored payload: what was (or would be) sent, and whether and how Versions took it. */
/** Where a run's payload is stored and whether Versions took it. */
export interface StoredRef {
  id: string;
  usageDataId: number | null;
}

export interface StoredPayload {
  /** `raw_usage_data.id`, a bigint kept as text. */
  id: string;
  runId: string | null;
  recordedAt: Date;
  createdAt: Date;
  payload: PayloadObject;
  metadata: WireTimingsMetadata | null;
  sentAt: Date | null;
  /** Versions' id for the payload, once it accepted it. */
  usageDataId: number | null;
  /** Versions' answer besides the id: GitLab's DevOps score (`conv_index`), once sent. */
  convIndex: Record<string, unknown> | null;
  submitAttempts: number;
  lastError: string | null;
}

interface PayloadRow {
  id: string;
  run_id: string | null;
  recorded_at: Date;
  created_at: Date;
  payload: PayloadObject;
  metadata: WireTimingsMetadata | null;
  sent_at: Date | null;
  version_usage_data_id_value: string | null;
  conv_index: Record<string, unknown> | null;
  submit_attempts: number | null;
  last_error: string | null;
}

const COLUMNS = `d.id::text AS id, d.run_id, d.recorded_at, d.created_at, d.payload, d.metadata, d.sent_at,
  d.version_usage_data_id_value, d.conv_index, d.submit_attempts, d.last_error`;

const toStored = (row: PayloadRow): StoredPayload => ({
  id: row.id,
  runId: row.run_id,
  recordedAt: row.recorded_at,
  createdAt: row.created_at,
  payload: row.payload,
  metadata: row.metadata,
  sentAt: row.sent_at,
  usageDataId: row.version_usage_data_id_value === null ? null : Number(row.version_usage_data_id_value),
  convIndex: row.conv_index,
  submitAttempts: row.submit_attempts ?? 0,
  lastError: row.last_error,
});

/**
 * `raw_usage_data` of the servping database (schema: docs/architecture.md): the aggregator stores
 * and sends payloads, the collector reads them.
 */
export class RawUsageDataRepository {
  constructor(private readonly pool: Pool) {}

  private async one(where: string, params: unknown[] = []): Promise<StoredPayload | undefined> {
    const { rows } = await this.pool.query<PayloadRow>(
      `SELECT ${COLUMNS} FROM raw_usage_data d ${where} ORDER BY d.recorded_at DESC LIMIT 1`,
      params,
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  latest(): Promise<StoredPayload | undefined> {
    return this.one('');
  }

  /** The newest payload of a preview run (`submit = false`) stored after `since`. */
  latestPreviewSince(since: Date): Promise<StoredPayload | undefined> {
    return this.one('JOIN runs r ON r.id = d.run_id WHERE r.submit = false AND d.created_at >= $1', [since]);
  }

  forRun(runId: string): Promise<StoredPayload | undefined> {
    return this.one('WHERE d.run_id = $1', [runId]);
  }

  find(id: string): Promise<StoredPayload | undefined> {
    return this.one('WHERE d.id = $1', [id]);
  }

  /** The payload Versions last accepted. */
  lastSent(): Promise<StoredPayload | undefined> {
    return this.one('WHERE d.sent_at IS NOT NULL');
  }

  /** The newest payload no run sent: a preview or a collect-only run (the aggregator built both). */
  lastUnsent(): Promise<StoredPayload | undefined> {
    return this.one('WHERE d.sent_at IS NULL');
  }

  /** The stored payload of each run that has one: its id and Versions' id once sent. */
  async storedRefs(runIds: readonly string[]): Promise<Map<string, StoredRef>> {
    const { rows } = await this.pool.query<{ run_id: string; id: string; usage_data_id: string | null }>(
      `SELECT DISTINCT ON (run_id) run_id, id::text AS id, version_usage_data_id_value::text AS usage_data_id
       FROM raw_usage_data WHERE run_id = ANY($1) ORDER BY run_id, recorded_at DESC`,
      [runIds],
    );
    return new Map(
      rows.map((r) => [
        r.run_id,
        { id: r.id, usageDataId: r.usage_data_id === null ? null : Number(r.usage_data_id) },
      ]),
    );
  }

  /**
   * Stores the run's payload, replacing the one stored for the same recorded_at (a re-run of
   * the aggregate job). A row already sent keeps its sent_at: Versions answers the same id for
   * the same uuid + recorded_at, so re-sending it is harmless but not needed. Returns the row id.
   */
  async upsert(row: {
    recordedAt: string;
    runId: string;
    payload: PayloadObject;
    metadata: WireTimingsMetadata;
  }): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO raw_usage_data (recorded_at, run_id, payload, metadata)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (recorded_at) DO UPDATE
         SET run_id = EXCLUDED.run_id, payload = EXCLUDED.payload, metadata = EXCLUDED.metadata,
             updated_at = now()
       RETURNING id::text AS id`,
      [row.recordedAt, row.runId, JSON.stringify(row.payload), JSON.stringify(row.metadata)],
    );
    return (rows[0] as { id: string }).id;
  }

  async markSent(
    id: string,
    answer: { usageDataId: number; convIndex: Record<string, unknown> },
    sentAt: Date,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE raw_usage_data
          SET sent_at = $2, version_usage_data_id_value = $3, conv_index = $4, last_error = NULL,
              updated_at = now()
        WHERE id = $1`,
      [id, sentAt, answer.usageDataId, JSON.stringify(answer.convIndex)],
    );
  }

  /** Counts a failed attempt and keeps its error; returns the attempts so far. */
  async recordFailure(id: string, message: string): Promise<number> {
    const { rows } = await this.pool.query<{ submit_attempts: number }>(
      `UPDATE raw_usage_data
          SET submit_attempts = submit_attempts + 1, last_error = $2, updated_at = now()
        WHERE id = $1
        RETURNING submit_attempts`,
      [id, message],
    );
    return rows[0]?.submit_attempts ?? 0;
  }

  /**
   * Stored payloads never accepted by Versions whose run asked to submit, with the identity
   * their submit job is named after (`submitJobId`). A row whose run is
   * unknown is not sent: it may be a preview, and sending a preview is the one unrecoverable mistake.
   */
  async listUnsent(): Promise<{ id: string; uuid: string; recordedAt: Date }[]> {
    const { rows } = await this.pool.query<{ id: string; uuid: string; recorded_at: Date }>(
      `SELECT r.id::text AS id, r.payload->>'uuid' AS uuid, r.recorded_at
         FROM raw_usage_data r JOIN runs ON runs.id = r.run_id
        WHERE r.sent_at IS NULL AND runs.submit
        ORDER BY r.recorded_at`,
    );
    return rows.map((r) => ({ id: r.id, uuid: r.uuid, recordedAt: r.recorded_at }));
  }
}
