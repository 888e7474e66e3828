import express, { type Router } from 'express';
import { requireScope, type TokenTable } from '../http/auth';
import type { RunView, RunViews } from '../runs/run-view';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string, refresh: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
${refresh ? '<meta http-equiv="refresh" content="2">' : ''}
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:left}.failed,.fallback{color:#b00}</style>
</head><body>${body}<p><a href="/runs">All runs</a> · <a href="/admin/queues">Queues</a></p></body></html>`;
}

function progress(view: RunView): string {
  return `${view.metrics.done}/${view.metrics.total}`;
}

function listPage(views: RunView[]): string {
  const rows = views
    .map(
      (v) => `<tr><td><a href="/runs/${encodeURIComponent(v.id)}">${escapeHtml(v.id)}</a></td>
<td class="${v.state}">${v.state}</td><td>${escapeHtml(v.requestedBy)}</td><td>${v.submit ? 'yes' : 'preview'}</td>
<td>${escapeHtml(v.createdAt)}</td><td>${progress(v)}</td></tr>`,
    )
    .join('\n');
  return page(
    'servping runs',
    `<h1>Runs</h1><table><tr><th>run</th><th>state</th><th>by</th><th>submit</th><th>created</th><th>metrics</th></tr>${rows}</table>`,
    views.some((v) => v.state === 'planned' || v.state === 'running'),
  );
}

function detailPage(view: RunView): string {
  const metrics = view.perMetric
    .map(
      (m) => `<tr class="${m.state}"><td>${escapeHtml(m.name)}</td><td>${m.state}</td>
<td>${m.timeElapsedS === undefined ? '' : m.timeElapsedS.toFixed(3)}</td><td>${escapeHtml(m.error ?? '')}</td></tr>`,
    )
    .join('\n');
  const facts: [string, string][] = [
    ['state', view.state],
    ['requested by', view.requestedBy],
    ['submit', view.submit ? 'yes' : 'no (preview)'],
    ['recorded at', view.recordedAt ?? '—'],
    ['created', view.createdAt],
    ['finished', view.finishedAt ?? '—'],
    ['metrics', `${progress(view)} done, ${view.metrics.fallbacks} fallbacks, ${view.shards} shards`],
    ['aggregate job', view.aggregate ?? '—'],
    ['error', view.error ?? ''],
  ];
  return page(
    `run ${view.id}`,
    `<h1>Run ${escapeHtml(view.id)}</h1><table>${facts
      .map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('')}</table>
<h2>Metrics</h2><table><tr><th>metric</th><th>state</th><th>seconds</th><th>error</th></tr>${metrics}</table>`,
    view.state === 'planned' || view.state === 'running',
  );
}

/** `/runs` and `/runs/:id`: small HTML views of the run API, refreshing while a run is active. */
export function runPages(deps: { tokens: TokenTable; views: RunViews }): Router {
  const router = express.Router();
  router.use('/runs', requireScope(deps.tokens, 'admin', { browser: true }));
  router.get('/runs', async (_req, res) => {
    res.type('html').send(listPage(await deps.views.list(50)));
  });
  router.get('/runs/:id', async (req, res) => {
    const view = await deps.views.get(req.params.id);
    if (!view) {
      res
        .status(404)
        .type('html')
        .send(page('not found', `<h1>No run ${escapeHtml(req.params.id)}</h1>`, false));
      return;
    }
    res.type('html').send(detailPage(view));
  });
  return router;
}
