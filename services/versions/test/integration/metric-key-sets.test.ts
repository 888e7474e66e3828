import { buildVersions, loadConfig, type VersionsApp } from '@servping/versions';
import {
  convIndex,
  jsonNumber,
  makePayload,
  postJson,
  scratchVersionsDatabase,
  startVersions,
  type RunningVersions,
} from './versions-harness';

/** The last migration that stored each ping's key ids in its ping_metric_values row. */
const KEY_IDS_MIGRATION = '20261206000100_versions_score_in_ingest.js';
/** The migration this file tests. */
const KEY_SETS_MIGRATION = '20261206000200_versions_metric_key_sets.js';

interface LeafRow {
  usage_data_id: string;
  key_id: number;
  value: number;
}

describe('moving key ids to metric_key_sets', () => {
  const { db } = scratchVersionsDatabase('versions_key_sets');
  const leaves = async () =>
    (
      await db.raw<{ rows: LeafRow[] }>(
        'SELECT usage_data_id, key_id, value FROM metric_values ORDER BY usage_data_id, key_id',
      )
    ).rows;

  it('keeps every value stored before it, one set per distinct array, and puts them back down', async () => {
    for (;;) {
      const [, applied] = (await db.migrate.up()) as [number, string[]];
      if (applied.includes(KEY_IDS_MIGRATION)) break;
      if (applied.length === 0) throw new Error(`${KEY_IDS_MIGRATION} never ran`);
    }
    await db.raw(`
      INSERT INTO instances (uuid, hostname, first_ping_at, last_ping_at, last_recorded_at, last_version)
      VALUES ('old', 'h', now(), now(), now(), '17.0.0');
      INSERT INTO usage_data (instance_id, uuid, recorded_at, hostname, version, payload)
      SELECT i.id, 'old', now() - g * interval '1 day', 'h', '17.0.0', '{}'
        FROM instances i CROSS JOIN generate_series(1, 4) g;
      INSERT INTO ping_metric_values (usage_data_id, key_ids, "values", failed_key_ids)
      SELECT id, k, v, f
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM usage_data) u
        JOIN (VALUES (1, '{1,2,3}'::int[], '{10,-1,30}'::float8[], '{2}'::int[]),
                     (2, '{1,2,3}', '{11,21,31}', '{}'),
                     (3, '{2,4}', '{0.5,-2}', '{4}'),
                     (4, '{}', '{}', '{}')) AS t(n, k, v, f) USING (n);
    `);
    const before = await leaves();
    expect(before).toHaveLength(8);

    const [, applied] = (await db.migrate.up()) as [number, string[]];
    expect(applied).toEqual([KEY_SETS_MIGRATION]);

    expect(await leaves()).toEqual(before);
    const sets = await db.raw<{ rows: Array<{ key_ids: number[]; pings: string[] }> }>(
      `SELECT s.key_ids, array_agg(p.usage_data_id ORDER BY p.usage_data_id) AS pings
         FROM metric_key_sets s JOIN ping_metric_values p ON p.key_set_id = s.id
        GROUP BY s.id ORDER BY min(p.usage_data_id)`,
    );
    const pings = await db.raw<{ rows: Array<{ id: string }> }>('SELECT id FROM usage_data ORDER BY id');
    const [first, second, third, fourth] = pings.rows.map((row) => row.id);
    expect(sets.rows).toEqual([
      { key_ids: [1, 2, 3], pings: [first, second] },
      { key_ids: [2, 4], pings: [third] },
      { key_ids: [], pings: [fourth] },
    ]);

    const [, reverted] = (await db.migrate.down()) as [number, string[]];
    expect(reverted).toEqual([KEY_SETS_MIGRATION]);
    expect(await leaves()).toEqual(before);
    const down = await db.raw<{ rows: Array<{ key_ids: number[]; failed_key_ids: number[] }> }>(
      `SELECT key_ids, failed_key_ids, to_regclass('metric_key_sets') AS sets
         FROM ping_metric_values ORDER BY usage_data_id`,
    );
    expect(down.rows).toEqual([
      { key_ids: [1, 2, 3], failed_key_ids: [2], sets: null },
      { key_ids: [1, 2, 3], failed_key_ids: [], sets: null },
      { key_ids: [2, 4], failed_key_ids: [4], sets: null },
      { key_ids: [], failed_key_ids: [], sets: null },
    ]);
  });

  it('refuses values that do not match their key set in number', async () => {
    await db.migrate.up();
    await expect(
      db.raw(`UPDATE ping_metric_values SET "values" = '{1,2}', key_count = 2 WHERE key_count = 3`),
    ).rejects.toThrow(/ping_metric_values_key_set_fkey/);
    await expect(
      db.raw(`UPDATE ping_metric_values SET "values" = '{1,2}' WHERE key_count = 3`),
    ).rejects.toThrow(/ping_metric_values_key_count_check/);
  });
});

describe('storing each shape of ping once', () => {
  let svc: RunningVersions;
  beforeAll(async () => {
    svc = await startVersions();
  });
  afterAll(async () => {
    await svc.close();
  });

  const keySetOf = async (usageDataId: unknown) =>
    (
      await svc.versions.db.raw<{ rows: Array<{ key_set_id: number }> }>(
        'SELECT key_set_id FROM ping_metric_values WHERE usage_data_id = ?',
        [jsonNumber(usageDataId)],
      )
    ).rows[0]?.key_set_id;
  const setCount = async () =>
    Number(
      (await svc.versions.db.raw<{ rows: Array<{ n: string }> }>('SELECT count(*) AS n FROM metric_key_sets'))
        .rows[0]!.n,
    );
  const post = async (baseUrl: string, payload: Record<string, unknown>) => {
    const res = await postJson(baseUrl, '/usage_data', payload);
    expect(res.status).toBe(201);
    return convIndex(res.body).usage_data_id;
  };

  it('gives two pings of the same shape one key set and a ping of another shape its own', async () => {
    const a = await post(svc.baseUrl, makePayload({ uuid: 'shape-a', activeUsers: 10 }));
    const b = await post(svc.baseUrl, makePayload({ uuid: 'shape-b', activeUsers: 99 }));
    const c = await post(svc.baseUrl, makePayload({ uuid: 'shape-c', extra: { new_section: { n: 1 } } }));
    expect(await keySetOf(a)).toBe(await keySetOf(b));
    expect(await keySetOf(c)).not.toBe(await keySetOf(a));
    expect(await setCount()).toBe(2);
    const values = await svc.versions.db.raw<{ rows: Array<{ usage_data_id: string; value: number }> }>(
      `SELECT v.usage_data_id, v.value FROM metric_values v JOIN metric_keys k ON k.id = v.key_id
        WHERE k.key_path = 'active_user_count' ORDER BY v.usage_data_id`,
    );
    expect(values.rows).toEqual([
      { usage_data_id: String(a), value: 10 },
      { usage_data_id: String(b), value: 99 },
      { usage_data_id: String(c), value: 10 },
    ]);
  });

  it('finds the same set from another replica, and makes one set of a new shape sent to both at once', async () => {
    const other: VersionsApp = buildVersions(
      loadConfig({
        VERSIONS_DATABASE_URL: svc.databaseUrl,
        VERSIONS_PORT: '0',
        VERSIONS_HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        VERSIONS_RATE_LIMIT_PER_MINUTE: '0',
      }),
    );
    const { port } = await other.start();
    try {
      const known = await post(`http://127.0.0.1:${port}`, makePayload({ uuid: 'shape-a-elsewhere' }));
      const first = await post(svc.baseUrl, makePayload({ uuid: 'shape-a-again' }));
      expect(await keySetOf(known)).toBe(await keySetOf(first));
      expect(await setCount()).toBe(2);

      const ids = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          post(i % 2 ? svc.baseUrl : `http://127.0.0.1:${port}`, {
            ...makePayload({ uuid: `shape-d-${i}` }),
            shape_d: { x: i },
          }),
        ),
      );
      expect(new Set(await Promise.all(ids.map(keySetOf))).size).toBe(1);
      expect(await setCount()).toBe(3);
    } finally {
      await other.stop();
    }
  });
});
