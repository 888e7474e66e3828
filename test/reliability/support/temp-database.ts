import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { postgresServerUrl } from '@servping/test-servers';

const SERVER = postgresServerUrl;

export interface TempDatabase {
  name: string;
  url: string;
  /** An owner connection for fixtures and assertions (not the service's). */
  client: Client;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database on the local server; `drop` closes the client and force-drops it. */
export async function createTempDatabase(label: string): Promise<TempDatabase> {
  const name = `rel_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = `${SERVER}/${name}`;
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    name,
    url,
    client,
    async drop() {
      await client.end().catch(() => undefined);
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
