import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const SERVER = process.env.RELIABILITY_PG_SERVER ?? 'postgres://root@127.0.0.1:5432';

export interface TempDatabase {
  name: string;
  url: string;
  /** An owner connection for fixtures and assertions (not the service's); replaced by `reconnect`. */
  client: Client;
  /** A new owner connection, after a fault test restarted the server under the old one. */
  reconnect(): Promise<void>;
  /** Drops the database and creates it again empty, as a reinstall or a restore would start. */
  recreate(): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database on `server` (default: the local shared server); `drop`
 * closes the client and force-drops it.
 */
export async function createTempDatabase(label: string, server = SERVER): Promise<TempDatabase> {
  const name = `rel_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = (sql: string) => adminQuery(sql, server);
  await admin(`CREATE DATABASE "${name}"`);
  const url = `${server}/${name}`;
  const connect = async () => {
    const client = new Client({ connectionString: url });
    // Fault tests restart the server under it: a lost connection must not end the test process.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const database: TempDatabase = {
    name,
    url,
    client: await connect(),
    async reconnect() {
      await database.client.end().catch(() => undefined);
      database.client = await connect();
    },
    async recreate() {
      await database.client.end().catch(() => undefined);
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin(`CREATE DATABASE "${name}"`);
      database.client = await connect();
    },
    async drop() {
      await database.client.end().catch(() => undefined);
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
  return database;
}

export async function adminQuery(sql: string, server = SERVER): Promise<void> {
  const admin = new Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
