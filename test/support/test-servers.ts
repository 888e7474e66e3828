import { Client } from 'pg';
/**
 * The PostgreSQL server and Redis that every test uses, in one place. By default the local
 * servers of the README; on a machine where nothing answers there, test/support/global-setup.ts
 * starts servers under .servping/test/ and hands their URLs to every test through the two
 * variables below (a test run may also set them to servers of its own).
 */
export const TEST_SERVER_VARIABLES = {
  postgres: 'SERVPING_TEST_POSTGRES_URL',
  redis: 'SERVPING_TEST_REDIS_URL',
} as const;

export const TEST_SERVER_DEFAULTS = {
  /** A superuser on the server, without a database. */
  postgres: 'postgres://root@127.0.0.1:5432',
  redis: 'redis://127.0.0.1:6379',
} as const;

const configured = (kind: keyof typeof TEST_SERVER_VARIABLES) =>
  new URL(process.env[TEST_SERVER_VARIABLES[kind]] || TEST_SERVER_DEFAULTS[kind]);

const pg = configured('postgres');
const redis = configured('redis');

/** The PostgreSQL server's URL without a database (`${postgresServerUrl}/${name}` is a database's). */
export const postgresServerUrl = `${pg.protocol}//${pg.username ? `${pg.username}${pg.password ? `:${pg.password}` : ''}@` : ''}${pg.host}`;

/** The PostgreSQL server as `pg` client fields (host, port, superuser). */
export const testPostgres = {
  host: pg.hostname,
  port: Number(pg.port || 5432),
  user: decodeURIComponent(pg.username),
} as const;

/** The Redis server as ioredis fields. */
export const testRedis = { host: redis.hostname, port: Number(redis.port || 6379) } as const;

/** URL of `database` on the test server (`test` is the maintenance database tests create theirs
 * from), as its superuser or as `user`. */
export function postgresUrl(database: string, user?: string): string {
  const url = new URL(pg);
  url.pathname = `/${database}`;
  if (user !== undefined) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

/** URL of the test Redis, optionally of database number `db`. */
export function redisUrl(db?: number): string {
  return `redis://${testRedis.host}:${testRedis.port}${db === undefined ? '' : `/${db}`}`;
}

/** Runs one statement (CREATE DATABASE, DROP DATABASE…) as the superuser on the maintenance database. */
export async function adminSql(sql: string): Promise<void> {
  const client = new Client({ connectionString: postgresUrl('test') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
