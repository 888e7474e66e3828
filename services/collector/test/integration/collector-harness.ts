import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueueEvents, type Queue } from 'bullmq';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { createLogger } from '@servping/runtime';
import { buildCollector, loadConfig, type Collector } from '@servping/collector';
import { postgresServerUrl, redisUrl } from '@servping/test-servers';

export const ADMIN_TOKEN = 'admin-token-for-tests';
export const READER_TOKEN = 'reader-token';
export const TRACKER_TOKEN = 'tracker-token';
const SERVER = postgresServerUrl;

/** The YAML header every test definition shares (newest format). */
export function definitionYaml(fields: Record<string, unknown>): string {
  const doc = {
    description: `test metric ${String(fields.key_path)}`,
    product_group: 'analytics_instrumentation',
    value_type: 'number',
    status: 'active',
    time_frame: 'all',
    data_category: 'optional',
    milestone: '16.0',
    introduced_by_url: 'https://example.com/merge_requests/1',
    tiers: ['free'],
    ...fields,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The error answer of every collector route: a message, and for a broken dictionary its problems. */
export interface ErrorAnswer {
  message: string;
  problems?: { file: string; field: string }[];
}

export interface Harness {
  collector: Collector;
  baseUrl: string;
  suffix: string;
  /** The test database URL and BullMQ prefix, for services started beside the collector. */
  databaseUrl: string;
  prefix: string;
  dictionaryDir: string;
  /** The test database (both servping and "instance" database). */
  sql: Client;
  redis: Redis;
  queueEvents: QueueEvents;
  writeDefinition(file: string, fields: Record<string, unknown>): Promise<void>;
  writeRaw(file: string, text: string): Promise<void>;
  removeDefinition(file: string): Promise<void>;
  fetchAs(token: string | undefined, urlPath: string, init?: RequestInit): Promise<Response>;
  /** Resolves when the runs-queue job `jobId` completed or failed (event-driven). */
  waitForRunJob(jobId: string): Promise<'completed' | 'failed'>;
  close(): Promise<void>;
}

/** A collector on its own database, BullMQ prefix and dictionary directory, listening on port 0. */
export async function startHarness(
  name: string,
  env: Record<string, string> = {},
  options: { clock?: () => Date } = {},
): Promise<Harness> {
  const suffix = `${name}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const database = `servping_test_${suffix}`;
  const prefix = `{test-${suffix}}`;
  const dictionaryDir = await mkdtemp(path.join(tmpdir(), `servping-dict-${name}-`));
  const databaseUrl = `${SERVER}/${database}`;
  const config = loadConfig({
    SERVPING_DATABASE_URL: databaseUrl,
    INSTANCE_DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl(),
    SERVPING_QUEUE_PREFIX: prefix,
    COLLECTOR_PORT: '0',
    SERVPING_DEFINITIONS_DIR: dictionaryDir,
    SERVPING_ADMIN_TOKENS: ADMIN_TOKEN,
    SERVPING_API_TOKENS: `${READER_TOKEN}:read_service_ping,${TRACKER_TOKEN}:api`,
    SERVPING_HOSTNAME: 'test-host',
    SERVPING_VERSION: '9.9.9',
    LOG_LEVEL: 'silent',
    // Suites fire many requests from one address; rate-limit.test.ts sets its own limit.
    COLLECTOR_RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const collector = buildCollector(config, {
    logger: createLogger({ service: 'collector-test', level: 'silent' }),
    ...options,
  });
  const { port } = await collector.start();
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  const redis = new Redis(config.redisUrl);
  const queueEvents = new QueueEvents('runs', { connection: { url: config.redisUrl }, prefix });
  await queueEvents.waitUntilReady();
  const runsQueue: Queue = collector.queues.runs;

  const harness: Harness = {
    collector,
    baseUrl: `http://127.0.0.1:${port}`,
    suffix,
    databaseUrl,
    prefix,
    dictionaryDir,
    sql,
    redis,
    queueEvents,
    async writeDefinition(file, fields) {
      await this.writeRaw(file, definitionYaml(fields));
    },
    async writeRaw(file, text) {
      await mkdir(path.dirname(path.join(dictionaryDir, file)), { recursive: true });
      await writeFile(path.join(dictionaryDir, file), text);
    },
    async removeDefinition(file) {
      await rm(path.join(dictionaryDir, file), { force: true });
    },
    fetchAs(token, urlPath, init = {}) {
      const headers = new Headers(init.headers);
      if (token !== undefined) headers.set('PRIVATE-TOKEN', token);
      if (init.body !== undefined && !headers.has('content-type'))
        headers.set('content-type', 'application/json');
      return fetch(`${this.baseUrl}${urlPath}`, { ...init, headers });
    },
    waitForRunJob(jobId) {
      return new Promise((resolve, reject) => {
        const done = (state: 'completed' | 'failed') => {
          queueEvents.off('completed', onCompleted);
          queueEvents.off('failed', onFailed);
          resolve(state);
        };
        const onCompleted = ({ jobId: id }: { jobId: string }) => id === jobId && done('completed');
        const onFailed = ({ jobId: id }: { jobId: string }) => id === jobId && done('failed');
        queueEvents.on('completed', onCompleted);
        queueEvents.on('failed', onFailed);
        // The job may have finished before the listeners were attached.
        runsQueue.getJobState(jobId).then((state) => {
          if (state === 'completed' || state === 'failed') done(state);
        }, reject);
      });
    },
    async close() {
      await queueEvents.close();
      await collector.stop();
      await sql.end();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
      const admin = new Client({ connectionString: `${SERVER}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
      await rm(dictionaryDir, { recursive: true, force: true });
    },
  };
  return harness;
}
