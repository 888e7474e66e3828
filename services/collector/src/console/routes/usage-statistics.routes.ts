import express, { type Router } from 'express';
import { DATA_CATEGORIES, type DataCategory } from '@servping/shared';
import { SEND_MODES, type SendMode } from '@servping/runtime';
import type { ConsoleDeps } from '../console-deps';
import { consolePayload } from '../console-payload';
import { nextScheduledRun } from '../next-run';
import { usageStatisticsPage } from '../views/usage-statistics.view';
import { pageContext, sendPage } from './page-response';

const DURATIONS_CHARTED = 20;

/** A form field as a list of its text values (one checkbox sends a string, several an array). */
const asList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).filter((item): item is string => typeof item === 'string');

/** `/`: the usage statistics page, and `POST /settings`: its settings form. */
export function usageStatisticsRoutes(deps: ConsoleDeps, base: string): Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    const [settings, lastSent, lastUnsent, active, durations] = await Promise.all([
      deps.settings.get(),
      deps.payloads.lastSent().then(consolePayload),
      deps.payloads.lastUnsent().then(consolePayload),
      deps.runs.findActive(),
      deps.runs.durations(DURATIONS_CHARTED),
    ]);
    const newest = [lastSent, lastUnsent]
      .filter((p) => p !== undefined)
      .sort((a, b) => +b.recordedAt - +a.recordedAt)[0];
    const page = usageStatisticsPage(pageContext(res, base, deps.session.secret), {
      settings,
      lastSent,
      lastUnsent,
      next: deps.schedule.enabled
        ? nextScheduledRun(settings.uuid, deps.schedule.splayS, deps.clock())
        : null,
      active: active ? await deps.views.get(active.id) : undefined,
      durations,
      slowest: (newest?.metrics ?? [])
        .map((m) => ({ name: m.name, seconds: m.time_elapsed, failed: m.error !== undefined }))
        .sort((a, b) => b.seconds - a.seconds),
      notice: req.query.notice,
    });
    sendPage(res, page);
  });

  router.post('/settings', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const categories = asList(body.categories);
    const mode = body.send_mode;
    if (
      !(SEND_MODES as readonly unknown[]).includes(mode) ||
      !categories.every((c) => (DATA_CATEGORIES as readonly string[]).includes(c))
    ) {
      res.status(400).type('text').send('400 Bad Request: send_mode or categories out of range');
      return;
    }
    const saved = await deps.settings.update({
      enabled: body.enabled === 'on',
      sendMode: mode as SendMode,
      permittedDataCategories: [...new Set(categories)] as DataCategory[],
    });
    deps.logger.info(
      { enabled: saved.enabled, sendMode: saved.sendMode, categories: saved.permittedDataCategories },
      'settings changed in the console',
    );
    res.redirect(303, `${base}/?notice=saved`);
  });
  return router;
}
