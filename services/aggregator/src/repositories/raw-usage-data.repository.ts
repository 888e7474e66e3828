import type { Pool } from 'pg';
import type { PayloadObject, WireTimingsMetadata } from '@servping/shared';

/** A stored payload as the submitter needs it. */
export interface StoredPayload {
  id: string;
  runId: string | null;
  recordedAt: Date;
  payload: PayloadObject;
  metadata: WireTimingsMetadata | null;
  sentAt: Date | null;
  submitAttempts: number;
}

/** `raw_usage_data` in the servping database (schema: docs/architecture.md). Ids are bigint, kept as text. */
export function createRawUsageDataRepository(pool: Pool) {
  return {
    /**
     * Stores the run's payload, replacing the one stored for the same recorded_at (a re-run of
     * the aggregate job). A row already sent keeps its sent_at: Versions answers the same id for
     * the same uuid + recorded_at, so re-sending it is harmless but not needed.
     */
    async upsert(row: {
      recordedAt: string;
      runId: string;
      payload: PayloadObject;
      metadata: WireTimingsMetadata;
    }): Promise<string> {
      const { rows } = await pool.query<{ id: string }>(
        `INSERT INTO raw_usage_data (recorded_at, run_id, payload, metadata)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (recorded_at) DO UPDATE
           SET run_id = EXCLUDED.run_id, payload = EXCLUDED.payload, metadata = EXCLUDED.metadata,
               updated_at = now()
         RETURNING id::text AS id`,
        [row.recordedAt, row.runId, JSON.stringify(row.payload), JSON.stringify(row.metadata)],
      );
      return (rows[0] as { id: string }).id;
    },

    async find(id: string): Promise<StoredPayload | undefined> {
      const { rows } = await pool.query(
        `SELECT id::text AS id, run_id, recorded_at, payload, metadata, sent_at, submit_attempts
           FROM raw_usage_data WHERE id = $1`,
        [id],
      );
      const r = rows[0];
      if (!r) return undefined;
      return {
        id: r.id,
        runId: r.run_id,
        recordedAt: r.recorded_at,
        payload: r.payload,
        metadata: r.metadata,
        sentAt: r.sent_at,
        submitAttempts: r.submit_attempts,
      };
    },

    async markSent(
      id: string,
      answer: { usageDataId: number; convIndex: Record<string, unknown> },
      sentAt: Date,
    ) {
      await pool.query(
        `UPDATE raw_usage_data
            SET sent_at = $2, version_usage_data_id_value = $3, conv_index = $4, last_error = NULL,
                updated_at = now()
          WHERE id = $1`,
        [id, sentAt, answer.usageDataId, JSON.stringify(answer.convIndex)],
      );
    },

    /** Counts a failed attempt and keeps its error; returns the attempts so far. */
    async recordFailure(id: string, message: string): Promise<number> {
      const { rows } = await pool.query<{ submit_attempts: number }>(
        `UPDATE raw_usage_data
            SET submit_attempts = submit_attempts + 1, last_error = $2, updated_at = now()
          WHERE id = $1
          RETURNING submit_attempts`,
        [id, message],
      );
      return rows[0]?.submit_attempts ?? 0;
    },

    /**
     * Stored payloads never accepted by Versions whose run asked to submit, with the identity
     * their submit job is named after (`submitJobId`). A row whose run is
     * unknown is not sent: it may be a preview, and sending a preview is the one unrecoverable mistake.
     */
    async listUnsent(): Promise<{ id: string; uuid: string; recordedAt: Date }[]> {
      const { rows } = await pool.query<{ id: string; uuid: string; recorded_at: Date }>(
        `SELECT r.id::text AS id, r.payload->>'uuid' AS uuid, r.recorded_at
           FROM raw_usage_data r JOIN runs ON runs.id = r.run_id
          WHERE r.sent_at IS NULL AND runs.submit
          ORDER BY r.recorded_at`,
      );
      return rows.map((r) => ({ id: r.id, uuid: r.uuid, recordedAt: r.recorded_at }));
    },
  };
}

export type RawUsageDataRepository = ReturnType<typeof createRawUsageDataRepository>;
