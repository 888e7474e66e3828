/**
 * `servping demo seed` against the real PostgreSQL and Redis: deterministic per seed, the planned
 * proportions, referential integrity, the read-only role, and Redis keys written by the tracker.
 */
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { demoSeedCommand } from '../../src/commands/demo-seed';
import { DEMO_TABLES, dropDatabase, planRowCounts, plannedTotal } from '@servping/demo';
import { runCaptured } from '../support/captured-io';
import { postgresUrl, redisUrl } from '@servping/test-servers';

const DB_NAME = `servping_demo_seed_test_${process.pid}_${Date.now()}`;
const URL = postgresUrl(DB_NAME);
const REDIS_PREFIX = `test:demo-seed:${process.pid}:${Date.now()}:`;
const NOW = '2025-06-04T12:00:00Z';
const ROWS = 100_000;

async function seed(seedValue: number, extra: string[] = []): Promise<string> {
  const { code, stdout, stderr } = await runCaptured(
    [
      '--rows',
      String(ROWS),
      '--seed',
      String(seedValue),
      '--now',
      NOW,
      '--redis-key-prefix',
      REDIS_PREFIX,
      ...extra,
    ],
    { INSTANCE_DATABASE_URL: URL, REDIS_URL: redisUrl() },
    demoSeedCommand,
  );
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

const CHECKSUM_TABLES = ['users', 'issues', 'ci_builds', 'notes', 'deployments'] as const;

async function checksums(client: Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of CHECKSUM_TABLES) {
    const { rows } = await client.query<{ md5: string }>(
      `SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) AS md5 FROM "${table}" t`,
    );
    out[table] = rows[0]!.md5;
  }
  return out;
}

describe('demo seed', () => {
  let client: Client;
  let redis: Redis;
  /** Unprefixed: KEYS patterns and their results are full key names. */
  let raw: Redis;
  let firstOutput: string;

  beforeAll(async () => {
    firstOutput = await seed(1);
    client = new Client({ connectionString: URL });
    await client.connect();
    redis = new Redis(redisUrl(), { keyPrefix: REDIS_PREFIX });
    raw = new Redis(redisUrl());
  });

  afterAll(async () => {
    await client?.end();
    const keys = await raw.keys(`${REDIS_PREFIX}*`);
    if (keys.length > 0) await raw.del(...keys);
    await Promise.all([redis?.quit(), raw?.quit()]);
    await dropDatabase(URL);
  });

  it('creates and migrates the database and reports the load', () => {
    expect(firstOutput).toContain('created the instance database');
    expect(firstOutput).toContain('applied migrations: 001_tables.sql, 002_ci_and_deploy_tables.sql');
    expect(firstOutput).toMatch(
      /seeded 100000 rows in [\d.]+ s \(\d+ rows\/s; load [\d.]+ s, 56 indexes and ANALYZE/,
    );
    expect(firstOutput).toContain('load 100000/100000 rows (100%)');
    expect(firstOutput).toContain('index 56/56 indexes (100%)');
  });

  it('fills every table with exactly the planned rows, activity tables largest', async () => {
    const plan = planRowCounts(ROWS);
    const counts: Record<string, number> = {};
    for (const table of DEMO_TABLES) {
      const { rows } = await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${table}"`);
      counts[table] = Number(rows[0]!.n);
    }
    expect(counts).toEqual(plan);
    expect(plannedTotal(plan)).toBe(ROWS);
    const largest = Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([table]) => table);
    expect(largest).toEqual(['events', 'notes', 'ci_builds']);
  });

  it('is skewed: a few huge projects, active and blocked users, timestamps over ~3 years before --now', async () => {
    const top = await client.query<{ share: string }>(
      `SELECT (SELECT COUNT(*) FROM issues WHERE project_id = 1)::float8 / COUNT(*) AS share FROM issues`,
    );
    expect(Number(top.rows[0]!.share)).toBeGreaterThan(0.05);
    const states = await client.query<{ state: string }>('SELECT DISTINCT state FROM users ORDER BY state');
    expect(states.rows.map((r) => r.state)).toEqual(['active', 'blocked', 'deactivated']);
    const span = await client.query<{ oldest: Date; newest: Date; recent: string }>(
      `SELECT MIN(created_at) AS oldest, MAX(created_at) AS newest,
              COUNT(*) FILTER (WHERE created_at BETWEEN $1::timestamptz - interval '30 days' AND $1::timestamptz - interval '2 days') AS recent
         FROM events`,
      [NOW],
    );
    const { oldest, newest, recent } = span.rows[0]!;
    expect(new Date(NOW).getTime() - oldest.getTime()).toBeGreaterThan(1000 * 86_400_000);
    expect(newest.getTime()).toBeLessThanOrEqual(new Date(NOW).getTime());
    expect(Number(recent)).toBeGreaterThan(500);
  });

  it('satisfies every foreign key although the load skipped the trigger checks', async () => {
    const { rows } = await client.query<{ name: string; source: string; target: string; col: string }>(
      `SELECT conname AS name, conrelid::regclass::text AS source, confrelid::regclass::text AS target, a.attname AS col
         FROM pg_constraint JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = conkey[1]
        WHERE contype = 'f' ORDER BY conname`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(30);
    const orphans: string[] = [];
    for (const fk of rows) {
      const result = await client.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM "${fk.source}" c WHERE c."${fk.col}" IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM "${fk.target}" p WHERE p.id = c."${fk.col}")`,
      );
      if (Number(result.rows[0]!.n) > 0) orphans.push(`${fk.name}: ${result.rows[0]!.n}`);
    }
    expect(orphans).toEqual([]);
  });

  it('leaves every table unlogged with its primary key, the indexes of the migration and statistics', async () => {
    const { rows } = await client.query<{
      table: string;
      persistence: string;
      pkey: boolean;
      analyzed: boolean;
    }>(
      `SELECT c.relname AS table, c.relpersistence AS persistence,
              EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p') AS pkey,
              EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = 'public' AND s.tablename = c.relname) AS analyzed
         FROM pg_class c WHERE c.relname = ANY($1) ORDER BY c.relname`,
      [DEMO_TABLES],
    );
    expect(rows).toHaveLength(DEMO_TABLES.length);
    expect(rows.filter((r) => r.persistence !== 'u' || !r.pkey || !r.analyzed)).toEqual([]);
    const indexes = await client.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'index\\_%'`,
    );
    expect(Number(indexes.rows[0]!.n)).toBe(44);
  });

  it('creates servping_reader, which may read but not write', async () => {
    const reader = new Client({ connectionString: postgresUrl(DB_NAME, 'servping_reader') });
    await reader.connect();
    try {
      const { rows } = await reader.query<{ n: string }>('SELECT COUNT(*) AS n FROM issues');
      expect(Number(rows[0]!.n)).toBe(planRowCounts(ROWS).issues);
      await expect(reader.query('DELETE FROM issues')).rejects.toThrow(
        /read-only transaction|permission denied/,
      );
    } finally {
      await reader.end();
    }
  });

  it('writes weekly HLL keys and counters through the event tracker', async () => {
    const hllKeys = (await raw.keys(`${REDIS_PREFIX}{hll_counters}_*`)).sort();
    // 24 legacy events and 4 Internal Events unique counts (users and namespaces, projects behind
    // a filter, the aggregate's view users) of the catalog × 8 ISO weeks (2025-W16 … 2025-W23
    // for a Wednesday in W23).
    expect(hllKeys).toHaveLength((24 + 4) * 8);
    expect(hllKeys).toContain(
      `${REDIS_PREFIX}{hll_counters}_create_ci_runner-filter:[property:api]-project-2025-23`,
    );
    expect(Number(await redis.get('{event_counters}_create_ci_runner'))).toBeGreaterThan(8 * 20 - 1);
    expect(await redis.ttl('{event_counters}_create_ci_runner')).toBe(-1);
    expect(await redis.ttl('{event_counters}_create_ci_runner-2025-22')).toBeGreaterThan(40 * 86_400);
    expect(hllKeys).toContain(`${REDIS_PREFIX}{hll_counters}_i_quickactions_approve-2025-16`);
    expect(hllKeys).toContain(`${REDIS_PREFIX}{hll_counters}_i_quickactions_approve-2025-23`);
    expect(await redis.ttl('{hll_counters}_i_quickactions_approve-2025-22')).toBeGreaterThan(40 * 86_400);
    expect(Number(await redis.get('USAGE_SOURCE_CODE_PUSHES'))).toBeGreaterThan(0);
    expect(Number(await redis.get('PACKAGE_EVENTS_I_PACKAGE_PULL_PACKAGE'))).toBeGreaterThan(0);
  });

  it('reproduces identical data for the same seed, replaces (not appends) on reseed, and differs for another seed', async () => {
    const first = await checksums(client);
    const firstPushes = await redis.get('USAGE_SOURCE_CODE_PUSHES');
    const firstUnique = await redis.pfcount('{hll_counters}_g_edit_by_sfe-2025-20');
    const firstRunners = await redis.get('{event_counters}_create_ci_runner');

    const again = await seed(1);
    expect(again).not.toContain('applied migrations');
    expect(await checksums(client)).toEqual(first);
    expect(await redis.get('USAGE_SOURCE_CODE_PUSHES')).toBe(firstPushes);
    expect(await redis.pfcount('{hll_counters}_g_edit_by_sfe-2025-20')).toBe(firstUnique);
    expect(await redis.get('{event_counters}_create_ci_runner')).toBe(firstRunners);
    const { rows } = await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM events');
    expect(Number(rows[0]!.n)).toBe(planRowCounts(ROWS).events);

    await seed(2);
    const other = await checksums(client);
    for (const table of CHECKSUM_TABLES) expect(other[table]).not.toBe(first[table]);
    const keys = await client.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text = ANY($1)`,
      [DEMO_TABLES],
    );
    expect(Number(keys.rows[0]!.n)).toBe(DEMO_TABLES.length);
    expect(await redis.get('USAGE_SOURCE_CODE_PUSHES')).not.toBe(firstPushes);
  });
});
