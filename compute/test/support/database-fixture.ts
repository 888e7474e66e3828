import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { postgresUrl } from '@servping/test-servers';

/** Server of the integration tests (trust auth); each test file creates and drops its own database. */
export const ADMIN_URL = postgresUrl('test');

/** A fresh database named after the test file, plus a writable client on it for seeding and ground truth. */
export async function createTestDatabase(
  label: string,
): Promise<{ url: string; client: Client; drop: () => Promise<void> }> {
  const name = `servping_${label}_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return {
    url: url.toString(),
    client,
    drop: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
