import path from 'node:path';
import express, { type Router } from 'express';
import type { ConsoleDeps } from './console-deps';
import { requireCsrf, requireSession, sameOrigin, securityHeaders, SESSION_COOKIE } from './console-security';
import { issueSession } from './console-session';
import { sendPage } from './routes/page-response';
import { previewRoutes } from './routes/preview.routes';
import { runsRoutes } from './routes/runs.routes';
import { usageStatisticsRoutes } from './routes/usage-statistics.routes';
import { loginPage } from './views/login.view';

/** Where the collector mounts the console. */
export const CONSOLE_PATH = '/console';
// src/ and dist/ sit at the same depth: both resolve to the files in src/console/static.
const STATIC_DIR = path.resolve(__dirname, '../../src/console/static');
/** Form bodies are a few checkboxes; the token form is the largest. */
const FORM_LIMIT = '8kb';

/**
 * The operator's console: GitLab's Admin → Metrics and profiling → Usage statistics page, plus the
 * payload preview with its diff, downloads for offline instances and the runs with live progress.
 * Plain server-rendered pages with one small script; signed-cookie sessions; CSRF on every POST.
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const base = CONSOLE_PATH;
  const nowMs = () => deps.clock().getTime();
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 20 });

  router.use(securityHeaders);
  router.use('/static', express.static(STATIC_DIR, { index: false, fallthrough: false, maxAge: '1h' }));
  router.get('/login', (_req, res) => sendPage(res, loginPage(base, false)));
  router.post('/login', form, (req, res) => {
    const token = (req.body as Record<string, unknown>).token;
    const principal = typeof token === 'string' ? deps.tokens.resolve(token) : undefined;
    if (!sameOrigin(req) || !principal?.scopes.has('admin')) {
      deps.logger.warn({ ip: req.ip }, 'console sign-in refused');
      sendPage(res, loginPage(base, true), 401);
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

  router.use(usageStatisticsRoutes(deps, base));
  router.use(runsRoutes(deps, base));
  router.use(previewRoutes(deps, base));
  return router;
}
