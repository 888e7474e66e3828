/**
 * The bench's seed marker against the real PostgreSQL: it vouches for a seed only while the demo
 * data is there, since a crash empties the UNLOGGED demo tables but not the marker.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { instanceSchemaDigest } from '@servping/demo';
import {
  clearSeedMarker,
  readSeedMarker,
  writeSeedMarker,
  type SeedMarker,
} from '../../src/seed-marker.repository';
import { postgresUrl } from '@servping/test-servers';

const DB_NAME = `servping_seed_marker_test_${process.pid}_${Date.now()}`;
const URL = postgresUrl(DB_NAME);
const ADMIN_URL = postgresUrl('postgres');
const MARKER: SeedMarker = {
  rows: 20_000,
  seed: 1,
  schema: 'a1b2',
  now: '2025-06-04T12:00:00.000Z',
  seededAt: '2025-06-04T12:01:00.000Z',
};

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE ${DB_NAME}`));
});

afterAll(async () => {
  await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`));
});

describe('readSeedMarker', () => {
  it('is null without the demo tables, even with a marker row', async () => {
    await writeSeedMarker(URL, MARKER);
    await expect(readSeedMarker(URL)).resolves.toBeNull();
  });

  it('is null when the unlogged demo tables were emptied (as crash recovery does)', async () => {
    await withClient(URL, (c) => c.query('CREATE UNLOGGED TABLE users (id bigint PRIMARY KEY)'));
    await expect(readSeedMarker(URL)).resolves.toBeNull();
  });

  it('returns the marker once the demo data is there', async () => {
    await withClient(URL, (c) => c.query('INSERT INTO users (id) VALUES (1)'));
    await expect(readSeedMarker(URL)).resolves.toEqual(MARKER);
  });

  it('is null for a marker written before it named the schema', async () => {
    await withClient(URL, async (c) => {
      await c.query('DROP TABLE servping_bench_seed');
      await c.query(
        'CREATE TABLE servping_bench_seed (rows bigint NOT NULL, seed bigint NOT NULL, now timestamptz NOT NULL, seeded_at timestamptz NOT NULL)',
      );
      await c.query('INSERT INTO servping_bench_seed VALUES (20000, 1, now(), now())');
    });
    await expect(readSeedMarker(URL)).resolves.toBeNull();
    await writeSeedMarker(URL, MARKER);
    await expect(readSeedMarker(URL)).resolves.toEqual(MARKER);
  });

  it('is null again after the table is truncated', async () => {
    await withClient(URL, (c) => c.query('TRUNCATE users'));
    await expect(readSeedMarker(URL)).resolves.toBeNull();
  });
});

describe('clearSeedMarker', () => {
  it('drops the marker, and is a no-op on a database that does not exist', async () => {
    await withClient(URL, (c) => c.query('INSERT INTO users (id) VALUES (1)'));
    await writeSeedMarker(URL, MARKER);
    await clearSeedMarker(URL);
    await expect(readSeedMarker(URL)).resolves.toBeNull();
    await expect(clearSeedMarker(`${URL}_missing`)).resolves.toBeUndefined();
  });
});

describe('instanceSchemaDigest', () => {
  it('changes when a migration file changes, and only then', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'servping-schema-'));
    try {
      await mkdir(path.join(dir, 'migrations'));
      const write = (text: string) => writeFile(path.join(dir, 'migrations', '003_indexes.sql'), text);
      await write('CREATE INDEX a ON t (x);\n');
      const before = await instanceSchemaDigest(dir);
      expect(await instanceSchemaDigest(dir)).toBe(before);
      await write('CREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);\n');
      expect(await instanceSchemaDigest(dir)).not.toBe(before);
      expect(await instanceSchemaDigest()).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
