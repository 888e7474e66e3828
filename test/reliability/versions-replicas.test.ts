/**
 * Several Versions replicas behind a load balancer share one database (issue 16). Two real
 * processes (spawned from dist, real HTTP) on one empty database: they start at the same moment
 * and take turns migrating, a ping posted to both at once is stored once, and the ingest rate
 * limit is one count for both (and survives a restart), not one bucket per process.
 */
import { expect } from '@jest/globals';
import { waitFor } from './support/bounded-wait';
import { postJson, rawRequest, type RawAnswer } from './support/http-client';
import {
  freePort,
  logDirectory,
  spawnService,
  waitHealthy,
  type ServiceProcess,
} from './support/service-process';
import { createTempDatabase, type TempDatabase } from './support/temp-database';
import { validPing } from './support/usage-ping';

/** 12 requests per client IP per 12-minute window, whichever replica counts them. */
const WINDOW_REQUESTS = 12;
const LIMIT_ENV = {
  VERSIONS_RATE_LIMIT_PER_MINUTE: '1',
  VERSIONS_RATE_LIMIT_BURST: String(WINDOW_REQUESTS),
};

const logs = logDirectory('replicas');
let db: TempDatabase;
const replicas: Array<{ proc: ServiceProcess; url: string }> = [];

function spawnReplica(name: string, port: number): { proc: ServiceProcess; url: string } {
  const proc = spawnService('versions', {
    name,
    logDir: logs.dir,
    env: {
      VERSIONS_DATABASE_URL: db.url,
      VERSIONS_PORT: String(port),
      VERSIONS_HOST: '127.0.0.1',
      VERSIONS_READ_TOKENS: 'reliability-reader',
      ...LIMIT_ENV,
    },
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

/** The `applied` list of each "migrations applied" log line of a replica. */
function appliedMigrations(proc: ServiceProcess): string[][] {
  return proc
    .log()
    .split('\n')
    .filter((line) => line.includes('"migrations applied"'))
    .map((line) => (JSON.parse(line) as { applied: string[] }).applied);
}

/** The advisory lock Versions takes around its migrations (database.repository.ts). */
const MIGRATION_LOCK = `hashtext('servping_versions_migrations')`;

beforeAll(async () => {
  db = await createTempDatabase('replicas');
  const [portA, portB] = [await freePort(), await freePort()];
  // Both start on a database without a single table while the test holds the migration lock, so
  // both are at the same point when it is released: neither may fail on the other's migration.
  await db.client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
  replicas.push(spawnReplica('versions-a', portA), spawnReplica('versions-b', portB));
  await waitFor(
    'both replicas waiting for the migration lock',
    async () => {
      const { rows } = await db.client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
      );
      return rows[0]!.n === 2 ? true : undefined;
    },
    { timeoutMs: 20_000 },
  );
  await db.client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
  await Promise.all(replicas.map((r) => waitHealthy(r.proc, `${r.url}/readyz`)));
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.proc.stop()));
  await db?.drop();
  logs.remove();
});

describe('two Versions replicas on one database', () => {
  it('take turns migrating an empty database: one applies every migration, the other none', async () => {
    const [a, b] = replicas.map((r) => appliedMigrations(r.proc));
    expect([a!.length, b!.length]).toEqual([1, 1]);
    const counts = [a![0]!.length, b![0]!.length].sort((x, y) => x - y);
    const { rows } = await db.client.query<{ name: string }>('SELECT name FROM knex_migrations ORDER BY id');
    expect(counts).toEqual([0, rows.length]);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const r of replicas) {
      expect((await rawRequest(r.url, { method: 'GET', path: '/readyz' })).status).toBe(200);
    }
  });

  it('store a ping posted to both at once exactly once, and answer both with its id', async () => {
    const ping = validPing('replicated-ping');
    const answers = await Promise.all(replicas.map((r) => postJson(r.url, '/usage_data', ping)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    const ids = answers.map(
      (a) => (a.json as { conv_index: { usage_data_id: number } }).conv_index.usage_data_id,
    );
    expect(ids[0]).toBe(ids[1]);
    const { rows } = await db.client.query(
      `SELECT count(*)::int AS pings, sum(duplicate_count)::int AS duplicates FROM usage_data WHERE uuid = $1`,
      ['replicated-ping'],
    );
    expect(rows[0]).toEqual({ pings: 1, duplicates: 1 });
  });

  it('share one rate limit: the window holds its requests across both, and across a restart', async () => {
    // The two posts of the previous test spent two of this client's requests already.
    const answers: RawAnswer[] = [];
    for (let i = 0; i < WINDOW_REQUESTS; i += 1) {
      const replica = replicas[i % 2]!;
      answers.push(await postJson(replica.url, '/usage_data', validPing(`limited-${i}`)));
    }
    const statuses = answers.map((a) => a.status);
    expect(statuses).toEqual([
      ...Array<number>(WINDOW_REQUESTS - 2).fill(201),
      ...Array<number>(2).fill(429),
    ]);
    expect(answers.at(-1)!.json).toEqual({
      error: 'rate_limited',
      message: expect.stringMatching(/^too many requests; retry after \d+ s$/),
    });
    const retryAfterS = Number(answers.at(-1)!.headers['retry-after']);
    expect(retryAfterS).toBeGreaterThan(0);
    expect(retryAfterS).toBeLessThanOrEqual(WINDOW_REQUESTS * 60);

    // A restarted replica reads the same count: still refused, and it never limits /healthz.
    const first = replicas[0]!;
    await first.proc.stop();
    const restarted = spawnReplica('versions-a-restarted', Number(new URL(first.url).port));
    replicas[0] = restarted;
    await waitHealthy(restarted.proc, `${restarted.url}/readyz`);
    expect((await postJson(restarted.url, '/usage_data', validPing('after-restart'))).status).toBe(429);
    expect((await rawRequest(restarted.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect(appliedMigrations(restarted.proc)).toEqual([[]]);

    const { rows } = await db.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage_data`);
    expect(rows[0]!.n).toBe(1 + WINDOW_REQUESTS - 2);
  });
});
