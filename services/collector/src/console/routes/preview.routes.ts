import express, { type Router } from 'express';
import type { ConsoleDeps } from '../console-deps';
import { consolePayload, isPayloadId } from '../console-payload';
import { diffPayloads } from '../payload-diff';
import { previewPage } from '../views/preview.view';
import { pageContext, sendPage, startRun } from './page-response';

/** The preview and its diff, a new preview run, and downloads of stored payloads. */
export function previewRoutes(deps: ConsoleDeps, base: string): Router {
  const router = express.Router();

  router.get('/preview', async (req, res) => {
    const [preview, lastSent, active] = await Promise.all([
      deps.payloads.lastUnsent().then(consolePayload),
      deps.payloads.lastSent().then(consolePayload),
      deps.runs.findActive(),
    ]);
    const page = previewPage(pageContext(res, base, deps.session.secret), {
      preview,
      lastSent,
      diff: preview && lastSent ? diffPayloads(lastSent, preview) : undefined,
      building: active && !active.submit ? await deps.views.get(active.id) : undefined,
      query: typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '',
      notice: req.query.notice,
    });
    sendPage(res, page);
  });

  router.post('/preview', (_req, res) =>
    startRun(res, {
      trigger: deps.trigger,
      base,
      submit: false,
      started: () => '/preview?notice=preview_started',
      refused: '/preview',
    }),
  );

  router.get('/payloads/:id/download', async (req, res) => {
    const stored = isPayloadId(req.params.id) ? await deps.payloads.find(req.params.id) : undefined;
    if (!stored) return void res.status(404).type('text').send('no such payload');
    const stamp = stored.recordedAt.toISOString().replace(/[:.]/g, '-');
    // The bytes the aggregator would post: the stored JSON, serialized as its client does.
    res
      .type('application/json')
      .attachment(`servping-payload-${stamp}.json`)
      .send(JSON.stringify(stored.payload));
  });
  return router;
}
