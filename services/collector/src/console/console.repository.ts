import type { Pool } from 'pg';

/** A stored payload as the console shows it: what it is, whether and how Versions took it. */
export interface ConsolePayload {
  id: string;
  runId: string | null;
  recordedAt: Date;
  payload: Record<string, unknown>;
  metrics: { name: string; time_elapsed: number; error?: string }[];
  sentAt: Date | null;
  usageDataId: number | null;
  /** Versions' answer besides the id: GitLab's DevOps score (`conv_index`). */
  devopsScore: Record<string, unknown> | null;
}

interface PayloadRow {
  id: string;
  run_id: string | null;
  recorded_at: Date;
  payload: Record<string, unknown>;
  metadata: { metrics?: ConsolePayload['metrics'] } | null;
  sent_at: Date | null;
  version_usage_data_id_value: string | null;
  conv_index: Record<string, unknown> | null;
}

const COLUMNS = `d.id::text AS id, d.run_id, d.recorded_at, d.payload, d.metadata, d.sent_at,
  d.version_usage_data_id_value, d.conv_index`;

function toPayload(row: PayloadRow): ConsolePayload {
  const { usage_data_id: _id, ...score } = row.conv_index ?? {};
  return {
    id: row.id,
    runId: row.run_id,
    recordedAt: row.recorded_at,
    payload: row.payload,
    metrics: row.metadata?.metrics ?? [],
    sentAt: row.sent_at,
    usageDataId: row.version_usage_data_id_value === null ? null : Number(row.version_usage_data_id_value),
    devopsScore: row.conv_index ? score : null,
  };
}

/** Where a run's payload is stored and whether Versions took it. */
export interface StoredRef {
  id: string;
  usageDataId: number | null;
}

/** A finished or failed run's wall time, for the duration chart. */
export interface RunDuration {
  id: string;
  state: string;
  durationS: number;
  createdAt: Date;
}

/** The console's reads of the servping database (the aggregator writes payloads, the collector runs). */
export class ConsoleRepository {
  constructor(private readonly pool: Pool) {}

  private async onePayload(where: string, params: unknown[] = []): Promise<ConsolePayload | undefined> {
    const { rows } = await this.pool.query<PayloadRow>(
      `SELECT ${COLUMNS} FROM raw_usage_data d LEFT JOIN runs r ON r.id = d.run_id
       WHERE ${where} ORDER BY d.recorded_at DESC LIMIT 1`,
      params,
    );
    return rows[0] ? toPayload(rows[0]) : undefined;
  }

  /** The payload Versions last accepted. */
  lastSent(): Promise<ConsolePayload | undefined> {
    return this.onePayload('d.sent_at IS NOT NULL');
  }

  /** The newest payload no run sent: a preview or a collect-only run (the aggregator built both). */
  lastUnsent(): Promise<ConsolePayload | undefined> {
    return this.onePayload('d.sent_at IS NULL');
  }

  byId(id: string): Promise<ConsolePayload | undefined> {
    if (!/^\d{1,18}$/.test(id)) return Promise.resolve(undefined);
    return this.onePayload('d.id = $1', [id]);
  }

  /** The stored payload of each run that has one: its raw_usage_data id and Versions' id once sent. */
  async storedPayloads(runIds: readonly string[]): Promise<Map<string, StoredRef>> {
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

  /** Wall time of the last `limit` runs that ended, oldest first. */
  async durations(limit: number): Promise<RunDuration[]> {
    const { rows } = await this.pool.query<{
      id: string;
      state: string;
      created_at: Date;
      duration_s: number;
    }>(
      `SELECT id, state, created_at, extract(epoch FROM finished_at - created_at)::float8 AS duration_s FROM (
         SELECT * FROM runs WHERE finished_at IS NOT NULL ORDER BY created_at DESC LIMIT $1
       ) last ORDER BY created_at`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, state: r.state, createdAt: r.created_at, durationS: r.duration_s }));
  }
}
