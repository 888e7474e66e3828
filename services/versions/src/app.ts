import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Knex } from 'knex';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import {
  createBudgetedServer,
  createLogger,
  createMetricsRegistry,
  createOpsRouter,
  limitFailedAuth,
  limitRequests,
  listen,
  securityHeaders,
  type Logger,
} from '@servping/runtime';
import { describeVersionsConfig, type VersionsConfig } from './config';
import { toHttpError } from './http/http-error';
import { createVersionsMetrics, observeRequests } from './http/versions-metrics';
import { createBodyValidator } from './ingest/validate-body';
import { createVersionsDatabase, migrateToLatest, pingDatabase } from './repositories/database.repository';
import { BackgroundSnapshotRepository } from './repositories/background-snapshot.repository';
import { DashboardRepository } from './repositories/dashboard.repository';
import { DevopsLeadersRepository } from './repositories/devops-leaders.repository';
import { ExportRepository } from './repositories/export.repository';
import { InstancesRepository } from './repositories/instances.repository';
import { MetricAnalyticsRepository } from './repositories/metric-analytics.repository';
import { MetricKeySetsRepository } from './repositories/metric-key-sets.repository';
import { MetricKeysRepository } from './repositories/metric-keys.repository';
import { PingDiagnosticsRepository } from './repositories/ping-diagnostics.repository';
import { UsageDataRepository } from './repositories/usage-data.repository';
import { createDashboardRouter } from './routes/dashboard.routes';
import { createIngestRouter } from './routes/ingest.routes';
import { createReadApiRouter } from './routes/read-api.routes';

/** Seconds over which failed authentications of one client are counted. */
const AUTH_FAILURE_WINDOW_S = 600;
/** Key ids each replica remembers: GitLab's ~3 000 keys per version, for many versions. */
const METRIC_KEY_CACHE_SIZE = 100_000;
/** Key ids of the key sets each replica remembers (4 MB): ~330 shapes of GitLab's ~3 000 keys. */
const METRIC_KEY_SET_CACHE_SIZE = 1_000_000;
/** The slowest-metrics snapshot covers timings received in this many days (the dashboard's window). */
const TIMING_SNAPSHOT_DAYS = 30;

export interface VersionsDeps {
  logger?: Logger;
  /** The clock for received_at and sessions; tests pin it (the shared rate limit keeps the real one). */
  now?: () => Date;
}

export interface VersionsApp {
  app: Express;
  db: Knex;
  /** Migrates (if configured) and listens; resolves with the bound port (useful with port 0). */
  start: () => Promise<{ port: number }>;
  /** Stops accepting connections, waits for in-flight requests, closes the pool. */
  stop: () => Promise<void>;
  /** Recomputes the slowest-metrics snapshot now, after any refresh in progress (start() schedules them). */
  refreshTimingSnapshot: () => Promise<boolean>;
  /** Recomputes the DevOps-score leader snapshot now, after any refresh in progress (start() schedules them). */
  refreshLeaderSnapshot: () => Promise<boolean>;
}

/**
 * The ingest limit, counted in the database so that every replica (and a restarted one) sees the
 * same counts: a fixed window of `rateLimitBurst` requests per client IP, as long as the burst
 * takes to refill at `rateLimitPerMinute`, so the sustained rate is the configured one.
 */
function createIngestLimiter(db: Knex, config: VersionsConfig): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: db,
    storeType: 'knex',
    tableName: 'ingest_request_counts',
    tableCreated: true,
    keyPrefix: 'ingest',
    points: config.rateLimitBurst,
    duration: Math.max(1, Math.round((config.rateLimitBurst * 60) / config.rateLimitPerMinute)),
  });
}

/** Wires the service from its config. Nothing connects or listens until `start()`. */
export function buildApp(config: VersionsConfig, deps: VersionsDeps = {}): VersionsApp {
  const logger = deps.logger ?? createLogger({ service: 'versions', level: config.logLevel });
  const now = deps.now ?? (() => new Date());
  const db = createVersionsDatabase({
    connectionString: config.databaseUrl,
    poolMax: config.dbPoolMax,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    logger,
  });
  const snapshotLocks = new BackgroundSnapshotRepository(db);
  const metricAnalytics = new MetricAnalyticsRepository(db, snapshotLocks);
  const devopsLeaders = new DevopsLeadersRepository(snapshotLocks);
  const registry = createMetricsRegistry('versions');
  const metrics = createVersionsMetrics(registry);
  if (config.readTokens.length === 0)
    logger.warn('VERSIONS_READ_TOKENS is empty: read API and dashboard refuse everyone');
  // Without a configured secret, sessions only survive as long as this process (and only on it).
  const sessionSecret = config.sessionSecret ?? randomBytes(32).toString('base64url');

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders());
  app.use(observeRequests(metrics));
  app.use(createOpsRouter({ registry, checks: { postgres: () => pingDatabase(db) } }));
  if (config.rateLimitPerMinute > 0) {
    app.use(
      ['/usage_data', '/usage_ping_metadata', '/usage_ping_errors'],
      limitRequests({
        limiter: createIngestLimiter(db, config),
        onLimited: (ip, path) => {
          metrics.ingest.inc({ endpoint: path.replace(/^\//, ''), outcome: 'rate_limited' });
          logger.warn({ ip }, 'ingest rate limited');
        },
        onStoreError: (err) => logger.error({ err }, 'ingest rate limiter unavailable'),
      }),
    );
  }
  app.use(
    createIngestRouter({
      usageData: new UsageDataRepository(db),
      pingDiagnostics: new PingDiagnosticsRepository(db),
      metricKeys: new MetricKeysRepository(db, { maxCachedKeys: METRIC_KEY_CACHE_SIZE }),
      metricKeySets: new MetricKeySetsRepository(db, { maxCachedKeyIds: METRIC_KEY_SET_CACHE_SIZE }),
      validate: createBodyValidator({ maxKeys: config.maxPayloadKeys }),
      metrics,
      logger: logger.child({ component: 'ingest' }),
      bodyLimitBytes: config.bodyLimitBytes,
      now,
    }),
  );
  if (config.authFailureLimit > 0) {
    // In the database, so every replica counts the same failures (Versions has no Redis).
    const limiter = new RateLimiterPostgres({
      storeClient: db,
      storeType: 'knex',
      tableName: 'auth_failures',
      tableCreated: true,
      keyPrefix: 'read',
      points: config.authFailureLimit,
      duration: AUTH_FAILURE_WINDOW_S,
    });
    app.use(
      ['/api/v1', '/dashboard'],
      limitFailedAuth({
        limiter,
        onLimited: (ip) => logger.warn({ ip }, 'too many failed authentications'),
        onStoreError: (err) => logger.error({ err }, 'auth failure limiter unavailable'),
      }),
    );
  }
  app.use(
    '/api/v1',
    createReadApiRouter({
      instances: new InstancesRepository(db),
      metricAnalytics,
      pingExport: new ExportRepository(db),
      tokens: config.readTokens,
      logger,
      now,
    }),
  );
  app.use(
    createDashboardRouter({
      dashboard: new DashboardRepository(db),
      metricAnalytics,
      tokens: config.readTokens,
      sessionSecret,
      sessionTtlS: config.sessionTtlS,
      now,
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such route' });
  });
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const { status, body } = toHttpError(err);
    if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
  app.use(onError);

  const refreshTimings = (wait: boolean) => {
    const at = now();
    return metricAnalytics.refreshTimingSnapshot({
      since: new Date(at.getTime() - TIMING_SNAPSHOT_DAYS * 24 * 3600 * 1000),
      now: at,
      wait,
    });
  };
  const refreshLeaders = (wait: boolean) =>
    devopsLeaders.refreshLeaderSnapshot({ now: now(), windowDays: config.leaderWindowDays, wait });
  /** The snapshots recomputed in the background, each by one replica at a time. */
  const snapshots = [
    { name: 'timing snapshot', refresh: refreshTimings, intervalS: config.timingSnapshotIntervalS },
    { name: 'leader snapshot', refresh: refreshLeaders, intervalS: config.leaderSnapshotIntervalS },
  ];
  let snapshotTimers: NodeJS.Timeout[] = [];

  let server: Server | undefined;
  return {
    app,
    db,
    refreshTimingSnapshot: () => refreshTimings(true),
    refreshLeaderSnapshot: () => refreshLeaders(true),
    async start() {
      logger.info({ config: describeVersionsConfig(config) }, 'starting');
      if (config.migrateOnStart) {
        const applied = await migrateToLatest(db, { connectionString: config.databaseUrl });
        logger.info({ applied }, 'migrations applied');
      }
      const listening = createBudgetedServer(app, {
        headersTimeoutMs: config.headersTimeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
      });
      const port = await listen(listening, config.port, config.host);
      server = listening;
      snapshotTimers = snapshots.map(({ name, refresh, intervalS }) => {
        const refreshInBackground = () => {
          refresh(false).catch((err: unknown) =>
            logger.error({ err, snapshot: name }, 'snapshot refresh failed'),
          );
        };
        refreshInBackground();
        const timer = setInterval(refreshInBackground, intervalS * 1000);
        timer.unref();
        return timer;
      });
      logger.info({ port }, 'listening');
      return { port };
    },
    async stop() {
      for (const timer of snapshotTimers) clearInterval(timer);
      if (server) {
        const closing = server;
        server = undefined;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          closing.closeIdleConnections();
        });
      }
      await db.destroy();
    },
  };
}
