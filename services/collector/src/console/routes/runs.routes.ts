import express, { type Request, type Response, type Router } from 'express';
import type { ConsoleDeps } from '../console-deps';
import { parseSort, sortMetrics } from '../metric-order';
import { MetricShardsRepository } from '../metric-shards.repository';
import { metricsTable, runDetails, runPage, runsPage } from '../views/runs.view';
import { pageContext, sendPage, startRun } from './page-response';

const RUNS_LISTED = 50;

/** Run now, the runs list, a run's page and what its live script polls. */
export function runsRoutes(deps: ConsoleDeps, base: string): Router {
  const router = express.Router();
  const shards = new MetricShardsRepository(deps.metricsQueue);
  const context = (res: Response) => pageContext(res, base, deps.session.secret);

  router.post('/runs', (_req, res) =>
    startRun(res, {
      trigger: deps.trigger,
      base,
      submit: true,
      started: (id) => `/runs/${id}`,
      refused: '/runs',
    }),
  );

  router.get('/runs', async (req, res) => {
    const views = await deps.views.list(RUNS_LISTED);
    const stored = await deps.payloads.storedRefs(views.map((v) => v.id));
    const items = views.map((view) => ({ view, stored: stored.get(view.id) }));
    sendPage(res, runsPage(context(res), items, req.query.notice));
  });

  const detailsOf = async (req: Request, res: Response) => {
    const view = await deps.views.get(req.params.id as string);
    if (!view) return undefined;
    const rows = await shards.rows(view.id, view.perMetric);
    const sort = parseSort(req.query.sort);
    const reverse = req.query.reverse === '1';
    const table = metricsTable(context(res), view.id, sortMetrics(rows, sort, reverse), sort, reverse);
    const stored = await deps.payloads.storedRefs([view.id]);
    return { view, details: runDetails(context(res), view, table, stored.get(view.id)) };
  };
  router.get('/runs/:id', async (req, res) => {
    const found = await detailsOf(req, res);
    if (!found) return sendPage(res, 'no such run', 404);
    sendPage(res, runPage(context(res), found.view, found.details));
  });
  router.get('/runs/:id/details', async (req, res) => {
    const found = await detailsOf(req, res);
    if (!found) return sendPage(res, '', 404);
    sendPage(res, found.details.text);
  });
  router.get('/runs/:id/progress', async (req, res) => {
    const progress = await deps.views.progress(req.params.id);
    if (!progress) res.status(404).json({ message: 'no such run' });
    else res.json(progress);
  });
  return router;
}
