/**
 * The ops surface of the collector, the worker and the aggregator, each built in-process on its own
 * database and BullMQ prefix: `/healthz` answers while the process is up, `/readyz` is 200 only
 * while every dependency answers and names the one that does not, `/metrics` serves the series each
 * service promises. (Versions proves the same in its own readiness test.)
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { buildAggregator, loadConfig as loadAggregatorConfig } from '@servping/aggregator';
import {
  buildCollector,
  loadConfig as loadCollectorConfig,
  migrateServpingDatabase,
} from '@servping/collector';
import { createLogger, type ReadinessAnswer } from '@servping/runtime';
import { buildWorker, loadConfig as loadWorkerConfig } from '@servping/worker';
import { startRedisGate, type RedisGate } from './redis-gate';
import { waitFor } from '../reliability/support/bounded-wait';
import { deleteMatching } from '../reliability/support/redis-keys';
import { adminQuery, createTempDatabase, type TempDatabase } from '../reliability/support/temp-database';
import { redisUrl } from '@servping/test-servers';

const REDIS_URL = redisUrl();
/** Readiness must change within this; each probe is bounded by the ops router's 2 s check timeout. */
const READINESS_CHANGE_MS = 10_000;
/** A service stops in well under a second here; past this its stop counts as hung. */
const STOP_MS = 15_000;

interface RunningService {
  baseUrl: string;
  stop(): Promise<void>;
}

interface ServiceCase {
  name: 'collector' | 'worker' | 'aggregator';
  /** Every readiness check the service runs. */
  checks: string[];
  /** The check that reads the database this case takes away. */
  databaseCheck: string;
  /** The check that pings Redis. */
  redisCheck: string;
  /** Series (metric names) `/metrics` must declare, besides the default process metrics. */
  series: string[];
  start(env: ServiceEnv): Promise<RunningService>;
}

interface ServiceEnv {
  database: TempDatabase;
  prefix: string;
  redisUrl: string;
}

const silent = (service: string) => createLogger({ service, level: 'silent' });

const cases: ServiceCase[] = [
  {
    name: 'collector',
    checks: ['postgres', 'redis'],
    databaseCheck: 'postgres',
    redisCheck: 'redis',
    series: ['servping_queue_jobs', 'servping_collector_triggers_total', 'servping_collector_runs_total'],
    async start({ database, prefix, redisUrl }) {
      const config = loadCollectorConfig({
        // The collector migrates its servping database itself at start.
        SERVPING_DATABASE_URL: database.url,
        INSTANCE_DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        SERVPING_QUEUE_PREFIX: prefix,
        COLLECTOR_PORT: '0',
        SERVPING_SCHEDULE_ENABLED: 'false',
        LOG_LEVEL: 'silent',
      });
      const collector = buildCollector(config, { logger: silent('collector') });
      const { port } = await collector.start();
      return { baseUrl: `http://127.0.0.1:${port}`, stop: () => collector.stop() };
    },
  },
  {
    name: 'worker',
    checks: ['redis', 'instance_db'],
    databaseCheck: 'instance_db',
    redisCheck: 'redis',
    series: [
      'servping_worker_job_duration_seconds',
      'servping_worker_jobs_total',
      'servping_worker_metric_fallbacks_total',
    ],
    async start({ database, prefix, redisUrl }) {
      const config = loadWorkerConfig({
        INSTANCE_DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        SERVPING_QUEUE_PREFIX: prefix,
        WORKER_OPS_PORT: '0',
        WORKER_STOP_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'silent',
      });
      const worker = buildWorker(config, silent('worker'));
      await worker.start();
      return { baseUrl: `http://127.0.0.1:${worker.opsPort()}`, stop: () => worker.stop() };
    },
  },
  {
    name: 'aggregator',
    checks: ['redis', 'servping_db'],
    databaseCheck: 'servping_db',
    redisCheck: 'redis',
    series: ['servping_aggregator_job_duration_seconds', 'servping_aggregator_jobs_total'],
    async start({ database, prefix, redisUrl }) {
      // The aggregator reads the collector's schema (unsent payloads at start); the collector owns it.
      await migrateServpingDatabase(database.url);
      const config = loadAggregatorConfig({
        SERVPING_DATABASE_URL: database.url,
        INSTANCE_DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        SERVPING_QUEUE_PREFIX: prefix,
        AGGREGATOR_OPS_PORT: '0',
        AGGREGATOR_STOP_TIMEOUT_MS: '1000',
        LOG_LEVEL: 'silent',
      });
      const aggregator = buildAggregator(config, silent('aggregator'));
      await aggregator.start();
      return { baseUrl: `http://127.0.0.1:${aggregator.opsPort()}`, stop: () => aggregator.stop() };
    },
  },
];

async function readiness(baseUrl: string): Promise<{ status: number; body: ReadinessAnswer }> {
  const res = await fetch(`${baseUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadinessAnswer };
}

/** Polls `/readyz` (bounded) until it answers `status`; returns that answer. */
function readinessBecomes(baseUrl: string, status: number) {
  return waitFor(
    `/readyz ${status}`,
    async () => {
      const answer = await readiness(baseUrl);
      return answer.status === status ? answer : undefined;
    },
    { timeoutMs: READINESS_CHANGE_MS, intervalMs: 100 },
  );
}

/** `promise`, or a rejection naming `what` once `ms` passed without an answer. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function allOk(checks: readonly string[]): Record<string, string> {
  return Object.fromEntries(checks.map((name) => [name, 'ok']));
}

describe.each(cases)('$name ops endpoints', (service) => {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const prefix = `{ops-${service.name}-${suffix}}`;
  let database: TempDatabase;
  let gate: RedisGate;
  let running: RunningService | undefined;

  beforeAll(async () => {
    database = await createTempDatabase(`ops_${service.name}`);
    // The owner connection would be terminated with the service's; the test needs none of its own.
    await database.client.end();
    // The service reaches Redis only through the gate, so the test can take Redis away from it alone.
    gate = await startRedisGate();
    running = await service.start({ database, prefix, redisUrl: gate.url });
  });

  afterAll(async () => {
    try {
      // Open, so a test that failed mid-outage cannot leave the stop waiting on Redis.
      await gate.open();
      // A stop that hangs fails here by name, and the database and keys are still removed below.
      if (running) await within(STOP_MS, `${service.name} stop`, running.stop());
    } finally {
      await gate.dispose();
      // Idempotent, so a test that failed before restoring cannot leave the drop refused.
      await adminQuery(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS true`);
      await database.drop();
      const redis = new Redis(REDIS_URL);
      try {
        await deleteMatching(redis, `${prefix}*`);
      } finally {
        await redis.quit();
      }
    }
  });

  it('answers /healthz 200 and /readyz 200 with every check ok', async () => {
    const { baseUrl } = running!;
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await readiness(baseUrl)).toEqual({
      status: 200,
      body: { status: 'ready', checks: allOk(service.checks) },
    });
  });

  it('serves its series on /metrics as Prometheus text, labelled with the service', async () => {
    const res = await fetch(`${running!.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of service.series) expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    expect(text).toMatch(
      new RegExp(`^process_cpu_seconds_total\\{service="${service.name}"\\} \\d+(\\.\\d+)?$`, 'm'),
    );
  });

  it('turns /readyz 503 naming its database while the database refuses connections, and recovers', async () => {
    const { baseUrl } = running!;
    const name = database.name;
    let restored = false;
    try {
      await adminQuery(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
      await adminQuery(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
      );
      const down = await readinessBecomes(baseUrl, 503);
      expect(down.body.status).toBe('not ready');
      expect(down.body.checks[service.databaseCheck]).not.toBe('ok');
      // Only the database is down: the other checks still pass, and the process is live.
      expect({ ...down.body.checks, [service.databaseCheck]: 'ok' }).toEqual(allOk(service.checks));
      expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);

      await adminQuery(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
      restored = true;
      const up = await readinessBecomes(baseUrl, 200);
      expect(up.body).toEqual({ status: 'ready', checks: allOk(service.checks) });
    } finally {
      if (!restored) await adminQuery(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    }
  });

  it('turns /readyz 503 naming redis while Redis is unreachable, and recovers', async () => {
    const { baseUrl } = running!;
    try {
      await gate.close();
      const down = await readinessBecomes(baseUrl, 503);
      expect(down.body.status).toBe('not ready');
      expect(down.body.checks[service.redisCheck]).not.toBe('ok');
      expect({ ...down.body.checks, [service.redisCheck]: 'ok' }).toEqual(allOk(service.checks));
      expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await gate.open();
    }
    const up = await readinessBecomes(baseUrl, 200);
    expect(up.body).toEqual({ status: 'ready', checks: allOk(service.checks) });
  });
});
