import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import {
  createLogger,
  createMetricsRegistry,
  createOpsRouter,
  createPgPool,
  createRedis,
  createBudgetedServer,
  createRateLimit,
  limitFailedAuth,
  listen,
  repeatedErrorLog,
  RawUsageDataRepository,
  requireSameOriginWrites,
  RunsRepository,
  securityHeaders,
  SettingsRepository,
} from '@servping/runtime';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { JOB_QUEUE, scheduleCron, type JobDataByName } from '@servping/shared';
import type { CollectorConfig } from './config';
import { CONSOLE_PATH, consoleRouter } from './console/console.routes';
import { BULL_BOARD_CSP, dashboardRouter, DASHBOARD_PATH } from './dashboard/bull-board';
import { migrateServpingDatabase } from './database/servping-database';
import { cachedDictionary } from './dictionary/cached-dictionary';
import {
  directoryDictionary,
  directoryEvents,
  type DictionarySource,
  type EventDictionarySource,
} from './dictionary/dictionary-source';
import { requireScope, TokenTable } from './http/auth';
import { errorHandler } from './http/error-handler';
import { createCollectorMetrics } from './observability/collector-metrics';
import { RunPlanner, type PlanResult } from './planning/run-planner';
import { createRunQueues } from './queues/run-queues';
import { InstanceStatsRepository } from './repositories/instance-stats.repository';
import { runPages } from './routes/run-pages';
import { runsRoutes } from './routes/runs.routes';
import { usageDataRoutes } from './routes/usage-data.routes';
import { Preview } from './runs/preview';
import { RunTrigger } from './runs/run-trigger';
import { RunViews } from './runs/run-view';

/** Id of the weekly job scheduler on the runs queue (upserted at every start). */
export const SCHEDULER_ID = 'service-ping-weekly';
/** Seconds over which failed authentications of one client are counted. */
const AUTH_FAILURE_WINDOW_S = 600;
/** Exports and event tracking re-read the dictionary at most this often. */
const HOT_PATH_DICTIONARY_TTL_MS = 30_000;
/** The most shard jobs one metric may get. */
const MAX_SHARDS_PER_METRIC = 64;

export interface CollectorOptions {
  clock?: () => Date;
  random?: () => number;
  logger?: Logger;
  dictionary?: DictionarySource;
  /** Default: the event definitions under the definitions directory's `events/` folders. */
  events?: EventDictionarySource;
}

export interface Collector {
  app: Express;
  /** Migrates, initializes settings, upserts the schedule, starts the planner and listens. */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
  /** For tests and the CLI: plan a run directly, as the planner worker would. */
  planner: RunPlanner;
  trigger: RunTrigger;
  queues: ReturnType<typeof createRunQueues>['queues'];
  settings: SettingsRepository;
  runs: RunsRepository;
}

/** Wires the collector: repositories, queues, planner worker, HTTP routes. Nothing listens until `start`. */
export function buildCollector(config: CollectorConfig, options: CollectorOptions = {}): Collector {
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const logger = options.logger ?? createLogger({ service: 'collector', level: config.logLevel });

  const servpingPool = createPgPool({
    connectionString: config.servpingDatabaseUrl,
    applicationName: 'servping-collector',
  });
  // Only MIN/MAX and pg_class are read from the instance, read-only and bounded in time.
  const instancePool = createPgPool({
    connectionString: config.instanceDatabaseUrl,
    applicationName: 'servping-collector-planner',
    readOnly: true,
    statementTimeoutMs: 60_000,
    max: 2,
  });
  const producerRedis = createRedis(config.redisUrl, 'producer');
  const workerRedis = createRedis(config.redisUrl, 'blocking');
  const onRedisError = repeatedErrorLog(logger, 'redis error');
  producerRedis.on('error', onRedisError);
  workerRedis.on('error', onRedisError);

  const runQueues = createRunQueues(producerRedis, config.queuePrefix, onRedisError);
  const runsQueue = runQueues.queues[JOB_QUEUE['trigger-run']];
  const registry = createMetricsRegistry('collector');
  const metrics = createCollectorMetrics(registry, Object.values(runQueues.queues));

  const settings = new SettingsRepository(servpingPool);
  const runs = new RunsRepository(servpingPool);
  const payloads = new RawUsageDataRepository(servpingPool);
  const dictionary = options.dictionary ?? directoryDictionary(config.definitionsDir);
  const events = options.events ?? directoryEvents(config.definitionsDir);
  const tokens = new TokenTable(config.adminTokens, config.apiTokens);

  const trigger = new RunTrigger({
    runs,
    settings,
    dictionary,
    runsQueue,
    clock,
    runTimeoutS: config.runTimeoutSeconds,
    retentionS: config.jobRetentionSeconds,
    metrics,
    logger,
  });
  const planner = new RunPlanner({
    runs,
    settings,
    stats: new InstanceStatsRepository(instancePool),
    dictionary,
    flowProducer: runQueues.flowProducer,
    trigger,
    clock,
    random,
    shardPolicy: { rowsPerShard: config.shardRows, maxShards: MAX_SHARDS_PER_METRIC },
    splaySeconds: config.scheduleSplaySeconds,
    productSettings: config.productSettings,
    operatingSystem: `${os.platform()}-${os.release()}`,
    retentionS: config.jobRetentionSeconds,
    metrics,
    logger,
  });
  const views = new RunViews(runs, payloads, runQueues.queues[JOB_QUEUE['aggregate-run']]);
  const preview = new Preview({ payloads, runs, trigger, clock, maxAgeMinutes: config.previewMaxAgeMinutes });

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(
    createOpsRouter({
      registry,
      checks: {
        postgres: () => servpingPool.query('SELECT 1'),
        redis: () => producerRedis.ping(),
      },
    }),
  );
  // Before auth and body parsing: wrong-token guesses and floods cost a map lookup, not a request.
  const rateLimit = createRateLimit({
    limits: { perMinute: config.rateLimitPerMinute, burst: config.rateLimitBurst },
    nowMs: Date.now,
    onLimited: (_ip, path) => metrics.rateLimited.inc({ path }),
  });
  const guarded = ['/api', '/runs', DASHBOARD_PATH, CONSOLE_PATH];
  app.use(guarded, rateLimit);
  if (config.authFailureLimit > 0) {
    const limiter = new RateLimiterRedis({
      storeClient: producerRedis,
      keyPrefix: `${config.queuePrefix}:auth-failures`,
      points: config.authFailureLimit,
      duration: AUTH_FAILURE_WINDOW_S,
    });
    app.use(
      guarded,
      limitFailedAuth({
        limiter,
        onLimited: () => metrics.rateLimited.inc({ path: 'auth_failures' }),
        onStoreError: (err) => logger.error({ err }, 'auth failure limiter unavailable'),
      }),
    );
  }
  // The console parses its own forms, after its session check, and checks their CSRF token.
  app.use(
    CONSOLE_PATH,
    consoleRouter({
      tokens,
      settings,
      runs,
      views,
      trigger,
      payloads,
      metricsQueue: runQueues.queues[JOB_QUEUE['compute-metric']],
      schedule: { enabled: config.scheduleEnabled, splayS: config.scheduleSplaySeconds },
      // Without a configured secret, sessions last as long as this process (and work only on it).
      session: {
        secret: config.consoleSessionSecret ?? randomBytes(32).toString('base64url'),
        ttlS: config.consoleSessionTtlS,
      },
      clock,
      logger: logger.child({ component: 'console' }),
    }),
  );
  // A forged cross-site form must not change anything, whatever credentials the browser attaches.
  app.use(requireSameOriginWrites());
  // Each router authenticates before it parses a body (see http/json-body.ts).
  app.use('/api/v1', runsRoutes({ tokens, trigger, views, preview, settings }));
  app.use(
    '/api/v4/usage_data',
    usageDataRoutes({
      tokens,
      // Exports and tracking are public hot paths: never read and validate every YAML file per request.
      dictionary: cachedDictionary(dictionary, HOT_PATH_DICTIONARY_TTL_MS, Date.now),
      events: cachedDictionary(events, HOT_PATH_DICTIONARY_TTL_MS, Date.now),
      settings,
      payloads,
      redis: producerRedis,
      clock,
    }),
  );
  app.use(runPages({ tokens, views }));
  app.use(
    DASHBOARD_PATH,
    securityHeaders({ csp: BULL_BOARD_CSP }),
    requireScope(tokens, 'admin', { browser: true }),
    dashboardRouter(runQueues.queues),
  );
  app.use(errorHandler(logger));

  let worker: Worker | undefined;
  let server: Server | undefined;

  async function syncSchedule(uuid: string): Promise<void> {
    if (!config.scheduleEnabled) {
      await runsQueue.removeJobScheduler(SCHEDULER_ID);
      logger.info('weekly schedule disabled');
      return;
    }
    const pattern = scheduleCron(uuid);
    const data: JobDataByName['trigger-run'] = { requestedBy: 'schedule', submit: true };
    await runsQueue.upsertJobScheduler(SCHEDULER_ID, { pattern, tz: 'UTC' }, { name: 'trigger-run', data });
    logger.info({ pattern }, 'weekly schedule set');
  }

  return {
    app,
    planner,
    trigger,
    queues: runQueues.queues,
    settings,
    runs,
    async start() {
      const applied = await migrateServpingDatabase(config.servpingDatabaseUrl);
      if (applied.length > 0) logger.info({ applied }, 'servping database migrated');
      const instance = await settings.initialize(
        {
          hostname: config.hostname,
          version: config.version,
          edition: config.edition,
          installationType: config.installationType,
          versionsUrl: config.versionsUrl,
        },
        config.permittedDataCategories,
      );
      await syncSchedule(instance.uuid);
      worker = new Worker<Partial<JobDataByName['trigger-run']>, PlanResult>(
        JOB_QUEUE['trigger-run'],
        (job) => planner.process(job),
        { connection: workerRedis, prefix: config.queuePrefix, concurrency: 1 },
      );
      worker.on('error', onRedisError);
      worker.on('failed', (job, err) => logger.error({ jobId: job?.id, err }, 'runs job failed'));
      server = createBudgetedServer(app, {
        headersTimeoutMs: config.headersTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
      });
      const port = await listen(server, config.port);
      logger.info({ port, uuid: instance.uuid, enabled: instance.enabled }, 'collector listening');
      return { port };
    },
    async stop() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections?.();
      }
      await worker?.close();
      await runQueues.close();
      await Promise.all([
        producerRedis.quit().catch(() => undefined),
        workerRedis.quit().catch(() => undefined),
      ]);
      await Promise.all([servpingPool.end(), instancePool.end()]);
    },
  };
}
