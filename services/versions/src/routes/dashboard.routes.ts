import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Knex } from 'knex';
import { renderDashboard, renderLogin } from '../dashboard/render-dashboard';
import { keyPathParam, QueryParamError } from '../http/query-params';
import { signSession, tokenMatches } from '../http/read-auth';
import { isReader, SESSION_COOKIE } from '../http/require-reader';
import {
  metricAdoptionByWeek,
  reportingInstancesByWeek,
  versionDistribution,
} from '../repositories/dashboard.repository';
import { metricHealth } from '../repositories/metric-analytics.repository';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_METRIC = 'counts.issues';

/** No script at all, styles only inline, nothing loaded from anywhere: the page is static SVG. */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export interface DashboardRouteOptions {
  db: Knex;
  tokens: readonly string[];
  sessionSecret: string;
  sessionTtlS: number;
  now: () => Date;
}

/**
 * `/dashboard`. `?token=<read token>` signs in: it sets an HttpOnly SameSite=Strict session cookie
 * and redirects to the same page without the token, so the token does not stay in the address bar
 * or history. A bearer / PRIVATE-TOKEN header works too.
 */
export function createDashboardRouter(options: DashboardRouteOptions): Router {
  const router = express.Router();
  const auth = {
    tokens: options.tokens,
    session: { secret: options.sessionSecret, nowMs: () => options.now().getTime() },
  };

  router.get('/dashboard', (req: Request, res: Response, next: NextFunction) => {
    res.set(PAGE_HEADERS);
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token !== undefined) {
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
      const metric =
        typeof req.query.metric === 'string' ? `?metric=${encodeURIComponent(req.query.metric)}` : '';
      res.redirect(303, `/dashboard${metric}`);
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
  const { db } = options;
  const now = options.now();
  const metricRaw =
    typeof req.query.metric === 'string' && req.query.metric !== '' ? req.query.metric : DEFAULT_METRIC;
  const keyPath = keyPathParam(metricRaw);
  const since = new Date(now.getTime() - 30 * DAY_MS);
  const [reportingByWeek, versions, adoptionByWeek, health] = await Promise.all([
    reportingInstancesByWeek(db, { now, weeks: 12 }),
    versionDistribution(db, { now, days: 30, limit: 15 }),
    metricAdoptionByWeek(db, { now, weeks: 12, keyPath }),
    metricHealth(db, { since, limit: 10 }),
  ]);
  res.type('html').send(
    renderDashboard({
      generatedAt: now,
      metricKeyPath: keyPath.join('.'),
      reportingByWeek,
      versions,
      adoptionByWeek,
      failures: health.failures,
      slowest: health.slowest,
    }),
  );
}
