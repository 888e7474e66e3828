import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { requireSameOriginWrites } from '@servping/runtime';
import { renderDashboard, renderLogin } from '../dashboard/render-dashboard';
import { keyPathParam, QueryParamError } from '../http/query-params';
import { signSession, tokenMatches } from '../http/read-auth';
import { isReader, SESSION_COOKIE } from '../http/require-reader';
import type { DashboardRepository } from '../repositories/dashboard.repository';
import type { MetricAnalyticsRepository } from '../repositories/metric-analytics.repository';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_METRIC = 'counts.issues';

/** The page is static SVG; securityHeaders() (on every response) forbids script and framing. */
const PAGE_HEADERS = { 'Cache-Control': 'no-store' };

export interface DashboardRouteOptions {
  dashboard: Pick<
    DashboardRepository,
    'reportingInstancesByWeek' | 'versionDistribution' | 'metricAdoptionByWeek' | 'metricSumByWeek'
  >;
  metricAnalytics: Pick<MetricAnalyticsRepository, 'metricHealth'>;
  tokens: readonly string[];
  sessionSecret: string;
  sessionTtlS: number;
  now: () => Date;
}

/**
 * `/dashboard`. The sign-in form POSTs the read token (never in a URL, where it would stay in
 * history and access logs); a valid one sets an HttpOnly SameSite=Strict session cookie, Secure
 * when the client used https, and redirects to the page. A bearer / PRIVATE-TOKEN header works too.
 */
export function createDashboardRouter(options: DashboardRouteOptions): Router {
  const router = express.Router();
  const auth = {
    tokens: options.tokens,
    session: { secret: options.sessionSecret, nowMs: () => options.now().getTime() },
  };

  router.post(
    '/dashboard',
    requireSameOriginWrites({ acceptForm: () => true }),
    express.urlencoded({ extended: false, limit: '4kb' }),
    (req: Request, res: Response) => {
      res.set(PAGE_HEADERS);
      const form = (req.body ?? {}) as Record<string, unknown>;
      const token = typeof form.token === 'string' ? form.token : '';
      if (!tokenMatches(token, options.tokens)) {
        res.status(401).type('html').send(renderLogin('That token is not valid.'));
        return;
      }
      const expiresAtMs = options.now().getTime() + options.sessionTtlS * 1000;
      res.cookie(SESSION_COOKIE, signSession(expiresAtMs, options.sessionSecret), {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: '/dashboard',
        maxAge: options.sessionTtlS * 1000,
      });
      const metric = typeof form.metric === 'string' && form.metric !== '' ? form.metric : undefined;
      res.redirect(
        303,
        metric === undefined ? '/dashboard' : `/dashboard?metric=${encodeURIComponent(metric)}`,
      );
    },
  );

  router.get('/dashboard', (req: Request, res: Response, next: NextFunction) => {
    res.set(PAGE_HEADERS);
    if (req.query.token !== undefined) {
      res.status(400).type('html').send(renderLogin('Sign in with the form: a token in the address leaks.'));
      return;
    }
    if (!isReader(req, auth)) {
      res.status(401).type('html').send(renderLogin('Sign in with a read token.'));
      return;
    }
    renderPage(req, res, options).catch((err: unknown) => {
      if (err instanceof QueryParamError) {
        res.status(400).type('html').send(renderLogin(err.message));
        return;
      }
      next(err);
    });
  });
  return router;
}

async function renderPage(req: Request, res: Response, options: DashboardRouteOptions): Promise<void> {
  const { dashboard, metricAnalytics } = options;
  const now = options.now();
  const metricRaw =
    typeof req.query.metric === 'string' && req.query.metric !== '' ? req.query.metric : DEFAULT_METRIC;
  const keyPath = keyPathParam(metricRaw);
  const since = new Date(now.getTime() - 30 * DAY_MS);
  const [reportingByWeek, versions, adoptionByWeek, sumByWeek, health] = await Promise.all([
    dashboard.reportingInstancesByWeek({ now, weeks: 12 }),
    dashboard.versionDistribution({ now, days: 30, limit: 15 }),
    dashboard.metricAdoptionByWeek({ now, weeks: 12, keyPath }),
    dashboard.metricSumByWeek({ now, weeks: 12, keyPath }),
    metricAnalytics.metricHealth({ since, limit: 10 }),
  ]);
  res.type('html').send(
    renderDashboard({
      generatedAt: now,
      metricKeyPath: keyPath.join('.'),
      reportingByWeek,
      versions,
      adoptionByWeek,
      sumByWeek,
      failures: health.failures,
      slowest: health.slowest,
    }),
  );
}
