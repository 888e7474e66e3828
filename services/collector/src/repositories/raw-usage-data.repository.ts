import type { Pool } from 'pg';

export interface StoredPayload {
  runId: string | null;
  recordedAt: Date;
  createdAt: Date;
  payload: Record<string, unknown>;
  metadata: { uuid?: string; metrics?: { name: string; time_elapsed: number; error?: string }[] } | null;
  sentAt: Date | null;
  /** Versions' id for the payload, once it accepted it. */
  usageDataId: number | null;
  submitAttempts: number;
  lastError: string | null;
}

interface PayloadRow {
  run_id: string | null;
  recorded_at: Date;
  created_at: Date;
  payload: Record<string, unknown>;
  metadata: StoredPayload['metadata'];
  sent_at: Date | null;
  version_usage_data_id_value: string | null;
  submit_attempts: number | null;
  last_error: string | null;
}

const toStored = (row: PayloadRow): StoredPayload => ({
  runId: row.run_id,
  recordedAt: row.recorded_at,
  createdAt: row.created_at,
  payload: row.payload,
  metadata: row.metadata,
  sentAt: row.sent_at,
  usageDataId: row.version_usage_data_id_value === null ? null : Number(row.version_usage_data_id_value),
  submitAttempts: row.submit_attempts ?? 0,
  lastError: row.last_error,
});

/** Reads the payloads the aggregator stored (the collector never writes them). */
export class RawUsageDataRepository {
  constructor(private readonly pool: Pool) {}

  async latest(): Promise<StoredPayload | undefined> {
    const { rows } = await this.pool.query<PayloadRow>(
      'SELECT * FROM raw_usage_data ORDER BY recorded_at DESC LIMIT 1',
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /** The newest payload of a preview run (`submit = false`) stored after `since`. */
  async latestPreviewSince(since: Date): Promise<StoredPayload | undefined> {
    const { rows } = await this.pool.query<PayloadRow>(
      `SELECT d.* FROM raw_usage_data d JOIN runs r ON r.id = d.run_id
       WHERE r.submit = false AND d.created_at >= $1 ORDER BY d.recorded_at DESC LIMIT 1`,
      [since],
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  async forRun(runId: string): Promise<StoredPayload | undefined> {
    const { rows } = await this.pool.query<PayloadRow>(
      'SELECT * FROM raw_usage_data WHERE run_id = $1 ORDER BY recorded_at DESC LIMIT 1',
      [runId],
    );
    return rows[0] ? toStored(rows[0]) : undefined;
  }
}
