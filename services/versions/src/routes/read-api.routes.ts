import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '@servping/runtime';
import { intParam, keyPathParam, QueryParamError, timeParam } from '../http/query-params';
import { requireReadToken } from '../http/require-reader';
import { UUID_PATTERN } from '../ingest/envelope-schemas';
import type { ExportRepository } from '../repositories/export.repository';
import type { InstancesRepository } from '../repositories/instances.repository';
import type { MetricAnalyticsRepository } from '../repositories/metric-analytics.repository';

const DAY_MS = 24 * 3600 * 1000;
const EXPORT_PAGE_SIZE = 200;
const UUID = new RegExp(UUID_PATTERN);

type Handler = (req: Request, res: Response) => Promise<void>;

/** The analysts' read API under /api/v1; every route requires a read token. */
export function createReadApiRouter(options: {
  instances: Pick<InstancesRepository, 'listInstances' | 'listPings'>;
  metricAnalytics: Pick<MetricAnalyticsRepository, 'metricHealth' | 'metricSeries'>;
  pingExport: Pick<ExportRepository, 'exportPage'>;
  tokens: readonly string[];
  logger: Logger;
  now: () => Date;
}): Router {
  const { metricAnalytics, pingExport, now } = options;
  const router = express.Router();
  router.use(requireReadToken(options.tokens));

  router.get(
    '/instances',
    handle(async (req, res) => {
      const staleDays = intParam(req.query.stale_days, 'stale_days', 1, 3650, 0);
      const instances = await options.instances.listInstances({
        limit: intParam(req.query.limit, 'limit', 1, 1000, 100),
        offset: intParam(req.query.offset, 'offset', 0, 1_000_000_000, 0),
        staleSince: staleDays > 0 ? new Date(now().getTime() - staleDays * DAY_MS) : undefined,
      });
      res.json({ instances });
    }),
  );

  router.get(
    '/instances/:uuid/pings',
    handle(async (req, res) => {
      const uuid = String(req.params.uuid);
      // No ingest stores a uuid outside the pattern, so there is nothing to look up.
      const pings = UUID.test(uuid)
        ? await options.instances.listPings(uuid, { limit: intParam(req.query.limit, 'limit', 1, 1000, 100) })
        : null;
      if (pings === null) {
        res.status(404).json({ error: 'not_found', message: 'no instance with this uuid' });
        return;
      }
      res.json({ uuid: req.params.uuid, pings });
    }),
  );

  router.get(
    '/metrics/health',
    handle(async (req, res) => {
      const days = intParam(req.query.days, 'days', 1, 3650, 30);
      const { failures, slowest, slowestComputedAt } = await metricAnalytics.metricHealth({
        since: new Date(now().getTime() - days * DAY_MS),
        limit: intParam(req.query.limit, 'limit', 1, 1000, 50),
      });
      res.json({ days, failures, slowest, slowest_computed_at: slowestComputedAt });
    }),
  );

  router.get(
    '/metrics/:keyPath/series',
    handle(async (req, res) => {
      const keyPath = keyPathParam(req.params.keyPath);
      const series = await metricAnalytics.metricSeries({
        keyPath,
        since: timeParam(req.query.since, 'since', new Date(0)),
        until: timeParam(req.query.until, 'until', new Date(now().getTime() + DAY_MS)),
        limit: intParam(req.query.limit, 'limit', 1, 100_000, 10_000),
      });
      res.json({ key_path: keyPath.join('.'), ...series });
    }),
  );

  router.get(
    '/export',
    handle(async (req, res) => {
      const since = timeParam(req.query.since, 'since', new Date(0));
      res.status(200).type('application/x-ndjson').set('Cache-Control', 'no-store');
      let afterId = 0;
      let rows = 0;
      // Page by page with backpressure: a slow consumer pauses the reads instead of growing memory.
      while (!res.destroyed) {
        const page = await pingExport.exportPage({ since, afterId, pageSize: EXPORT_PAGE_SIZE });
        for (const row of page) {
          if (!res.write(row.line)) await drainedOrClosed(res);
          if (res.destroyed) break;
        }
        rows += page.length;
        if (page.length < EXPORT_PAGE_SIZE) break;
        afterId = page[page.length - 1]!.id;
      }
      res.end();
      options.logger.info({ since, rows }, 'export streamed');
    }),
  );

  return router;
}

function handle(fn: Handler) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((err: unknown) => {
      if (err instanceof QueryParamError) {
        res.status(400).json({ error: 'bad_request', message: err.message });
        return;
      }
      next(err);
    });
  };
}

/** Resolves when the response can take more data or the client went away; leaves no listener behind. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
