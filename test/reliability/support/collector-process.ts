import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { dictionaryDir, type DictionaryDir } from './dictionary-files';
import { deleteMatching, keysMatching } from './redis-keys';
import { freePort, spawnService, waitHealthy, type ServiceProcess } from './service-process';
import { createTempDatabase, type TempDatabase } from './temp-database';

export const ADMIN_TOKEN = 'reliability-admin-token';
export const READER_TOKEN = 'reliability-reader-token';
export const TRACKER_TOKEN = 'reliability-tracker-token';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface CollectorEnvironment {
  label: string;
  /** The BullMQ prefix of this test file; every queue key starts with it. */
  prefix: string;
  servpingDb: TempDatabase;
  instanceDb: TempDatabase;
  dictionary: DictionaryDir;
  redis: Redis;
  logDir: string;
  /** Environment shared by every servping process of this test file. */
  env: Record<string, string>;
  bullKeys(): Promise<string[]>;
  close(): Promise<void>;
}

/** The PostgreSQL servers (`postgres://user@host:port`) of the two databases; default: the shared one. */
export interface DatabaseServers {
  servping?: string;
  instance?: string;
}

/** Databases, dictionary directory, queue prefix and a Redis client for one test file. */
export async function collectorEnvironment(
  label: string,
  logDir: string,
  servers: DatabaseServers = {},
): Promise<CollectorEnvironment> {
  const prefix = `{rel-${label}-${process.pid}-${randomBytes(3).toString('hex')}}`;
  const [servpingDb, instanceDb, dictionary] = await Promise.all([
    createTempDatabase(`${label}_sp`, servers.servping),
    createTempDatabase(`${label}_inst`, servers.instance),
    dictionaryDir(label),
  ]);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const env = {
    SERVPING_DATABASE_URL: servpingDb.url,
    INSTANCE_DATABASE_URL: instanceDb.url,
    REDIS_URL,
    SERVPING_QUEUE_PREFIX: prefix,
    SERVPING_DEFINITIONS_DIR: dictionary.dir,
    SERVPING_ADMIN_TOKENS: ADMIN_TOKEN,
    SERVPING_API_TOKENS: `${READER_TOKEN}:read_service_ping,${TRACKER_TOKEN}:api`,
    SERVPING_SCHEDULE_ENABLED: 'false',
    SERVPING_HOSTNAME: 'reliability-host',
    SERVPING_VERSION: '17.0.1',
    // The token matrix sends well over a burst from one address; the limit has its own test.
    COLLECTOR_RATE_LIMIT_PER_MINUTE: '0',
  };
  return {
    label,
    prefix,
    servpingDb,
    instanceDb,
    dictionary,
    redis,
    logDir,
    env,
    bullKeys: () => keysMatching(redis, `${prefix}*`),
    async close() {
      await deleteMatching(redis, `${prefix}*`);
      await redis.quit();
      await Promise.all([servpingDb.drop(), instanceDb.drop(), dictionary.destroy()]);
    },
  };
}

export async function startCollectorProcess(
  environment: CollectorEnvironment,
  env: Record<string, string> = {},
): Promise<{ proc: ServiceProcess; url: string }> {
  const port = await freePort();
  const proc = spawnService('collector', {
    logDir: environment.logDir,
    env: { ...environment.env, COLLECTOR_PORT: String(port), ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(proc, `${url}/readyz`);
  return { proc, url };
}
