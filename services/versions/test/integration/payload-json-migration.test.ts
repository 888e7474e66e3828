import { migrateToLatest } from '@servping/versions';
import { scratchVersionsDatabase } from './versions-harness';

/** The last migration that stored the payload as jsonb with its counts beside it as stats. */
const JSONB_MIGRATION = '20261205000300_versions_ingest_write_path.js';
/** The migration this file tests. */
const JSON_MIGRATION = '20261206000000_versions_payload_json.js';

const { db, connectionString } = scratchVersionsDatabase('versions_payload_json');

const PAYLOAD_TEXT =
  '{"uuid": "old", "counts": {"issues": 3, "boards": -1, "big": 9223372036854775807}, "deep": {"a": 2.5}}';

describe('storing the payload once, as json', () => {
  it('keeps the pings stored before it readable: payload, stats through the views, and back down', async () => {
    for (;;) {
      const [, applied] = (await db.migrate.up()) as [number, string[]];
      if (applied.includes(JSONB_MIGRATION)) break;
      if (applied.length === 0) throw new Error(`${JSONB_MIGRATION} never ran`);
    }
    await db.raw(
      `INSERT INTO instances (uuid, hostname, first_ping_at, last_ping_at, last_recorded_at, last_version)
       VALUES ('old', 'h', now(), now(), now(), '17.0.0')`,
    );
    await db.raw(
      `INSERT INTO usage_data (instance_id, uuid, recorded_at, hostname, version, payload, stats)
       SELECT id, 'old', now(), 'h', '17.0.0', ?::jsonb, ?::jsonb -> 'counts' FROM instances WHERE uuid = 'old'`,
      [PAYLOAD_TEXT, PAYLOAD_TEXT],
    );
    const leaves = () =>
      db.raw<{ rows: unknown[] }>('SELECT key_path, value FROM usage_data_metric_values ORDER BY key_path');
    const before = (await leaves()).rows;
    expect(before).toHaveLength(4);

    await migrateToLatest(db, { connectionString });

    const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
      `SELECT pg_typeof(u.payload)::text AS type, u.payload::text AS text, l.stats::text AS stats
         FROM usage_data u JOIN latest_usage_data l USING (id)`,
    );
    // jsonb's text of the same document: every digit of the bigint kept.
    expect(rows).toEqual([
      {
        type: 'json',
        text: '{"deep": {"a": 2.5}, "uuid": "old", "counts": {"big": 9223372036854775807, "boards": -1, "issues": 3}}',
        stats: '{"big": 9223372036854775807, "boards": -1, "issues": 3}',
      },
    ]);
    expect((await leaves()).rows).toEqual(before);

    for (;;) {
      const [, reverted] = (await db.migrate.down()) as [number, string[]];
      if (reverted.includes(JSON_MIGRATION)) break;
      if (reverted.length === 0) throw new Error(`${JSON_MIGRATION} was never reverted`);
    }
    const down = await db.raw<{ rows: Array<Record<string, unknown>> }>(
      `SELECT pg_typeof(payload)::text AS type, stats::text AS stats FROM usage_data`,
    );
    expect(down.rows).toEqual([
      { type: 'jsonb', stats: '{"big": 9223372036854775807, "boards": -1, "issues": 3}' },
    ]);
    expect((await leaves()).rows).toEqual(before);
  });
});
