import type { Knex } from 'knex';

/** The export of stored pings as NDJSON, a page at a time. */
export class ExportRepository {
  constructor(private readonly db: Knex) {}

  /**
   * Pages of pings received since `since`, ordered by id, resuming after `afterId` (keyset, so each
   * page is an index range and memory stays bounded by the page). Each row is already one NDJSON
   * line: the payload is spliced in as stored (the JSON text as sent), never parsed and re-serialised.
   */
  async exportPage(options: {
    since: Date;
    afterId: number;
    pageSize: number;
  }): Promise<Array<{ id: number; line: string }>> {
    const result = await this.db.raw<{ rows: Array<{ id: string; facts: string; payload: string }> }>(
      `SELECT id,
              json_build_object('usage_data_id', id, 'uuid', uuid, 'recorded_at', recorded_at,
                                'received_at', received_at, 'hostname', hostname, 'version', version,
                                'edition', edition, 'installation_type', installation_type,
                                'active_user_count', active_user_count, 'license_plan', license_plan)::text AS facts,
              payload::text AS payload
         FROM usage_data
        WHERE received_at >= ? AND id > ?
        ORDER BY id
        LIMIT ?`,
      [options.since, options.afterId, options.pageSize],
    );
    return result.rows.map((row) => ({
      id: Number(row.id),
      line: `${row.facts.slice(0, -1)}, "payload" : ${oneLine(row.payload)}}\n`,
    }));
  }
}

/**
 * A payload sent pretty-printed keeps its line breaks in `json`. Outside strings they are only
 * whitespace, and inside strings JSON allows them only escaped, so every raw CR or LF can become a
 * space: the document is the same and the line stays one NDJSON line.
 */
function oneLine(jsonText: string): string {
  return jsonText.includes('\n') || jsonText.includes('\r') ? jsonText.replace(/[\r\n]/g, ' ') : jsonText;
}
