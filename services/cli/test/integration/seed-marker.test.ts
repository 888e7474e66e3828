/**
 * The bench's seed marker against the real PostgreSQL: it vouches for a seed only while the demo
 * data is there, since a crash empties the UNLOGGED demo tables but not the marker.
 */
import { Client } from 'pg';
import {
  clearSeedMarker,
  readSeedMarker,
  writeSeedMarker,
  type SeedMarker,
} from '../../src/bench/seed-marker.repository';
import { postgresUrl } from '@servping/test-servers';

const DB_NAME = `servping_seed_marker_test_${process.pid}_${Date.now()}`;
const URL = postgresUrl(DB_NAME);
const ADMIN_URL = postgresUrl('postgres');
const MARKER: SeedMarker = {
  rows: 20_000,
  seed: 1,
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
