import { Client } from 'pg';
import type { ReadinessAnswer } from '@servping/runtime';
import { buildVersions, loadConfig } from '@servping/versions';
import { startVersions, type RunningVersions } from './versions-harness';
import { waitFor } from '../../../../test/reliability/support/bounded-wait';
import { postgresUrl } from '@servping/test-servers';

/**
 * Terminated pooled connections surface one query at a time, so /readyz flips within a few probes,
 * not necessarily on the first one: the way an orchestrator polls it.
 */
function readinessBecomes(baseUrl: string, status: number): Promise<ReadinessAnswer> {
  return waitFor(
    `/readyz ${status}`,
    async () => {
      const res = await fetch(`${baseUrl}/readyz`);
      const body = (await res.json()) as ReadinessAnswer;
      return res.status === status ? body : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
}

describe('/healthz and /readyz', () => {
  let svc: RunningVersions;
  beforeAll(async () => {
    svc = await startVersions();
  });
  afterAll(async () => {
    await svc.close();
  });

  it('is live and ready while the database answers', async () => {
    expect((await fetch(`${svc.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${svc.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok' } });
  });

  it('turns not ready once its database connections are terminated and the database refuses new ones', async () => {
    const dbName = new URL(svc.databaseUrl).pathname.slice(1);
    const client = new Client({ connectionString: postgresUrl('test') });
    await client.connect();
    try {
      await client.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        dbName,
      ]);
      const notReady = await readinessBecomes(svc.baseUrl, 503);
      expect(notReady.status).toBe('not ready');
      expect(notReady.checks.postgres).not.toBe('ok');
      expect((await fetch(`${svc.baseUrl}/healthz`)).status).toBe(200);
      await client.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
      const ready = await readinessBecomes(svc.baseUrl, 200);
      expect(ready).toEqual({ status: 'ready', checks: { postgres: 'ok' } });
    } finally {
      await client.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
      await client.end();
    }
  });
});

describe('/readyz with an unreachable database', () => {
  it('answers 503 while /healthz stays 200', async () => {
    const config = loadConfig({
      // Port 1 on loopback: nothing listens there, connections are refused at once.
      VERSIONS_DATABASE_URL: 'postgres://root@127.0.0.1:1/none',
      VERSIONS_PORT: '0',
      VERSIONS_HOST: '127.0.0.1',
      VERSIONS_MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'silent',
    });
    const versions = buildVersions(config);
    const { port } = await versions.start();
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as ReadinessAnswer).checks.postgres).not.toBe('ok');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      // Ingest answers 500 (not a hang) and never pretends to have stored anything.
      const res = await fetch(`http://127.0.0.1:${port}/usage_ping_errors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          error: {
            time: '2025-06-02T09:00:00Z',
            uuid: 'u',
            hostname: 'h',
            version: '16.0.0',
            message: 'm',
            elapsed: 1,
          },
        }),
      });
      expect(res.status).toBe(500);
    } finally {
      await versions.stop();
    }
  });
});
