import type { Knex } from 'knex';

export interface MetricTiming {
  name: string;
  timeElapsedS: number;
  error: string | null;
  /** servping's `batch_size_kept`; null when absent. */
  batchSizeKept: number | null;
  /** servping's `pass`, `pass_statements`, `pass_rows`; null when absent. */
  pass: { id: string; statements: number | null; rows: number | null } | null;
}

export interface PingErrorReport {
  occurredAt: Date;
  uuid: string;
  hostname: string;
  version: string;
  message: string;
  elapsedS: number;
}

/** What instances report about their pings besides the payload: the timings and the failures. */
export class PingDiagnosticsRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Stores a timings report: one header row and one row per metric, in one transaction. The header
   * is linked to the instance's latest ping and carries its version, because GitLab posts the
   * metadata right after `/usage_data` and sends only the uuid.
   */
  async storeMetadata(input: {
    uuid: string;
    metrics: readonly MetricTiming[];
    receivedAt: Date;
  }): Promise<{ metadataId: number }> {
    return this.db.transaction(async (trx) => {
      const header = await trx.raw<{ rows: Array<{ id: string }> }>(
        `INSERT INTO usage_ping_metadata (uuid, instance_id, usage_data_id, version, metric_count, received_at)
         SELECT ?, i.id, latest.id, coalesce(latest.version, i.last_version), ?, ?
           FROM (SELECT 1) one
           LEFT JOIN instances i ON i.uuid = ?
           LEFT JOIN LATERAL (SELECT u.id, u.version FROM usage_data u
                               WHERE u.instance_id = i.id
                               ORDER BY u.recorded_at DESC, u.id DESC LIMIT 1) latest ON true
         RETURNING id`,
        [input.uuid, input.metrics.length, input.receivedAt, input.uuid],
      );
      const metadataId = Number(header.rows[0]!.id);
      if (input.metrics.length > 0) {
        // One statement for thousands of rows: a JSON array in, one row per element on the server.
        await trx.raw(
          `INSERT INTO usage_ping_metric_timings
             (metadata_id, name, time_elapsed_s, error, batch_size_kept, pass, pass_statements, pass_rows)
           SELECT ?, t.name, t.time_elapsed_s, t.error, t.batch_size_kept, t.pass, t.pass_statements, t.pass_rows
             FROM jsonb_to_recordset(?::jsonb)
               AS t(name text, time_elapsed_s float8, error text, batch_size_kept bigint,
                    pass text, pass_statements bigint, pass_rows bigint)`,
          [
            metadataId,
            JSON.stringify(
              input.metrics.map((m) => ({
                name: m.name,
                time_elapsed_s: m.timeElapsedS,
                error: m.error,
                batch_size_kept: m.batchSizeKept,
                pass: m.pass?.id,
                pass_statements: m.pass?.statements,
                pass_rows: m.pass?.rows,
              })),
            ),
          ],
        );
      }
      return { metadataId };
    });
  }

  /** Stores one failed ping report from an instance. */
  async storePingError(input: PingErrorReport & { receivedAt: Date }): Promise<{ errorId: number }> {
    const result = await this.db.raw<{ rows: Array<{ id: string }> }>(
      `INSERT INTO usage_ping_errors (uuid, instance_id, hostname, version, message, elapsed_s, occurred_at, received_at)
       VALUES (?, (SELECT id FROM instances WHERE uuid = ?), ?, ?, ?, ?, ?, ?)
       RETURNING id`,
      [
        input.uuid,
        input.uuid,
        input.hostname,
        input.version,
        input.message,
        input.elapsedS,
        input.occurredAt,
        input.receivedAt,
      ],
    );
    return { errorId: Number(result.rows[0]!.id) };
  }
}
