import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { DATA_CATEGORIES, DefinitionError, type DataCategory } from '@servping/shared';
import { SEND_MODES, type SendMode } from '@servping/runtime';
import { ApiError } from '../http/api-error';
import type { TokenTable } from '../http/auth';
import type { RunsRepository } from '../repositories/runs.repository';
import type { SettingsRepository } from '../repositories/settings.repository';
import type { RunTrigger } from '../runs/run-trigger';
import type { RunViews } from '../runs/run-view';
import type { ConsoleRepository } from './console.repository';
import { requireCsrf, requireSession, sameOrigin, securityHeaders, SESSION_COOKIE } from './console-security';
import { csrfToken, issueSession } from './console-session';
import { parseSort, sortMetrics } from './metric-order';
import { MetricShardsRepository } from './metric-shards.repository';
import { nextScheduledRun } from './next-run';
import { diffPayloads } from './payload-diff';
import { loginPage } from './views/login.view';
import type { PageContext } from './views/layout';
import { previewPage } from './views/preview.view';
import { metricsTable, runDetails, runPage, runsPage } from './views/runs.view';
import { usageStatisticsPage } from './views/usage-statistics.view';

/** Where the collector mounts the console. */
export const CONSOLE_PATH = '/console';
// src/ and dist/ sit at the same depth: both resolve to the files in src/console/static.
const STATIC_DIR = path.resolve(__dirname, '../../src/console/static');
/** Form bodies are a few checkboxes; the token form is the largest. */
const FORM_LIMIT = '8kb';
const RUNS_LISTED = 50;
const DURATIONS_CHARTED = 20;

export interface ConsoleDeps {
  tokens: TokenTable;
  settings: SettingsRepository;
  runs: RunsRepository;
  views: RunViews;
  trigger: RunTrigger;
  repository: ConsoleRepository;
  metricsQueue: Queue;
  /** SERVPING_SCHEDULE_ENABLED and SERVPING_SCHEDULE_SPLAY_SECONDS, to say when the next run is. */
  schedule: { enabled: boolean; splayS: number };
  session: { secret: string; ttlS: number };
  clock: () => Date;
  logger: Logger;
}

/** A trigger refusal as a notice code of the page the operator is sent back to. */
function refusal(err: unknown): string {
  if (err instanceof DefinitionError) return 'invalid_dictionary';
  if (err instanceof ApiError && err.status === 409) return 'already_running';
  if (err instanceof ApiError && err.status === 423) return 'disabled';
  throw err;
}

const asList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

/**
 * The operator's console: GitLab's Admin → Metrics and profiling → Usage statistics page, plus the
 * payload preview with its diff, downloads for offline instances and the runs with live progress.
 * Plain server-rendered pages with one small script; signed-cookie sessions; CSRF on every POST.
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const base = CONSOLE_PATH;
  const nowMs = () => deps.clock().getTime();
  const shards = new MetricShardsRepository(deps.metricsQueue);
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 20 });
  const ctxOf = (res: Response): PageContext => ({
    base,
    csrf: csrfToken(res.locals.consoleSession!, deps.session.secret),
  });
  const html = (res: Response, text: string, status = 200) => res.status(status).type('html').send(text);

  router.use(securityHeaders);
  router.use('/static', express.static(STATIC_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
  router.get('/login', (_req, res) => html(res, loginPage(base, false)));
  router.post('/login', form, (req, res) => {
    const token = (req.body as Record<string, unknown>).token;
    const principal = typeof token === 'string' ? deps.tokens.resolve(token) : undefined;
    if (!sameOrigin(req) || !principal?.scopes.has('admin')) {
      deps.logger.warn({ ip: req.ip }, 'console sign-in refused');
      html(res, loginPage(base, true), 401);
      return;
    }
    res.cookie(SESSION_COOKIE, issueSession(nowMs(), deps.session.ttlS, deps.session.secret), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: base,
      maxAge: deps.session.ttlS * 1000,
    });
    deps.logger.info({ tokenId: principal.tokenId }, 'console sign-in');
    res.redirect(303, `${base}/`);
  });

  router.use(requireSession({ base, secret: deps.session.secret, nowMs }));
  router.post(/.*/, form, requireCsrf(deps.session.secret));

  router.post('/logout', (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: base });
    res.redirect(303, `${base}/login`);
  });

  router.get('/', async (req, res) => {
    const [settings, lastSent, lastUnsent, active, durations] = await Promise.all([
      deps.settings.get(),
      deps.repository.lastSent(),
      deps.repository.lastUnsent(),
      deps.runs.findActive(),
      deps.repository.durations(DURATIONS_CHARTED),
    ]);
    const newest = [lastSent, lastUnsent]
      .filter((p) => p !== undefined)
      .sort((a, b) => +b.recordedAt - +a.recordedAt)[0];
    html(
      res,
      usageStatisticsPage(ctxOf(res), {
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
      }),
    );
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

  const start = async (
    res: Response,
    submit: boolean,
    onStarted: (runId: string) => string,
    onRefused: string,
  ) => {
    try {
      const { runId } = await deps.trigger.trigger({ requestedBy: 'console', submit });
      res.redirect(303, `${base}${onStarted(runId)}`);
    } catch (err) {
      res.redirect(303, `${base}${onRefused}?notice=${refusal(err)}`);
    }
  };
  router.post('/runs', (_req, res) => start(res, true, (id) => `/runs/${id}`, '/runs'));
  router.post('/preview', (_req, res) =>
    start(res, false, () => '/preview?notice=preview_started', '/preview'),
  );

  router.get('/runs', async (req, res) => {
    const views = await deps.views.list(RUNS_LISTED);
    const stored = await deps.repository.storedPayloads(views.map((v) => v.id));
    html(
      res,
      runsPage(
        ctxOf(res),
        views.map((view) => ({ view, stored: stored.get(view.id) })),
        req.query.notice,
      ),
    );
  });

  const detailsOf = async (req: Request, res: Response) => {
    const view = await deps.views.get(req.params.id as string);
    if (!view) return undefined;
    const rows = await shards.rows(view.id, view.perMetric);
    const sort = parseSort(req.query.sort);
    const reverse = req.query.reverse === '1';
    const table = metricsTable(ctxOf(res), view.id, sortMetrics(rows, sort, reverse), sort, reverse);
    const stored = await deps.repository.storedPayloads([view.id]);
    return { view, details: runDetails(ctxOf(res), view, table, stored.get(view.id)) };
  };
  router.get('/runs/:id', async (req, res) => {
    const found = await detailsOf(req, res);
    if (!found) return html(res, 'no such run', 404);
    html(res, runPage(ctxOf(res), found.view, found.details));
  });
  router.get('/runs/:id/details', async (req, res) => {
    const found = await detailsOf(req, res);
    if (!found) return html(res, '', 404);
    html(res, found.details.text);
  });
  router.get('/runs/:id/progress', async (req, res) => {
    const progress = await deps.views.progress(req.params.id);
    if (!progress) res.status(404).json({ message: 'no such run' });
    else res.json(progress);
  });

  router.get('/preview', async (req, res) => {
    const [preview, lastSent, active] = await Promise.all([
      deps.repository.lastUnsent(),
      deps.repository.lastSent(),
      deps.runs.findActive(),
    ]);
    const building = active && !active.submit ? await deps.views.get(active.id) : undefined;
    html(
      res,
      previewPage(ctxOf(res), {
        preview,
        lastSent,
        diff: preview && lastSent ? diffPayloads(lastSent, preview) : undefined,
        building,
        query: typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '',
        notice: req.query.notice,
      }),
    );
  });

  router.get('/payloads/:id/download', async (req, res) => {
    const stored = await deps.repository.byId(req.params.id);
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
