import { migrateToLatest } from '@servping/versions';
import { scratchVersionsDatabase } from './versions-harness';

/** The last migration that stored metric values as rows (a trigger filled metric_values). */
const ROWS_MIGRATION = '20251204000000_versions_read_model.js';

const { db, connectionString } = scratchVersionsDatabase('versions_migration');

describe('moving metric values to one row per ping', () => {
  it('keeps every value stored before it, readable through the metric_values view', async () => {
    for (;;) {
      const [, applied] = (await db.migrate.up()) as [number, string[]];
      if (applied.includes(ROWS_MIGRATION)) break;
      if (applied.length === 0) throw new Error(`${ROWS_MIGRATION} never ran`);
    }
    await db.raw(`
      INSERT INTO instances (uuid, hostname, first_ping_at, last_ping_at, last_recorded_at, last_version)
      VALUES ('old', 'h', now(), now(), now(), '17.0.0');
      INSERT INTO usage_data (instance_id, uuid, recorded_at, hostname, version, payload)
      SELECT id, 'old', now(), 'h', '17.0.0',
             '{"counts": {"issues": 3, "boards": -1}, "deep": {"a": {"b": 2.5}}, "list": [1]}'::jsonb
        FROM instances WHERE uuid = 'old';
    `);
    const before = await db.raw<{ rows: unknown[] }>(
      'SELECT usage_data_id, key_id, value FROM metric_values ORDER BY key_id',
    );
    expect(before.rows).toHaveLength(3);

    await migrateToLatest(db, { connectionString });

    const after = await db.raw<{ rows: unknown[] }>(
      'SELECT usage_data_id, key_id, value FROM metric_values ORDER BY key_id',
    );
    expect(after.rows).toEqual(before.rows);
    const stored = await db.raw<{ rows: Array<{ key_path: string; failed: boolean }> }>(
      `SELECT k.key_path, k.id = ANY (p.failed_key_ids) AS failed
         FROM ping_metric_values p
         JOIN metric_key_sets s ON s.id = p.key_set_id
         CROSS JOIN LATERAL unnest(s.key_ids) AS t(key_id)
         JOIN metric_keys k ON k.id = t.key_id
        ORDER BY k.key_path`,
    );
    expect(stored.rows).toEqual([
      { key_path: 'counts.boards', failed: true },
      { key_path: 'counts.issues', failed: false },
      { key_path: 'deep.a.b', failed: false },
    ]);
  });
});
