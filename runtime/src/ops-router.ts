import express, { type Router } from 'express';
import type { Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** A named readiness check: resolves when the dependency answers, rejects otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface OpsOptions {
  /** Dependencies that must answer for `/readyz` to be 200 (e.g. `{ postgres, redis }`). */
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  /** Bound on each readiness check, so a hung dependency reads as "not ready", not a hung probe. */
  checkTimeoutMs?: number;
}

/** A Prometheus registry with Node's default process metrics, labelled with the service name. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The `/readyz` body: each check's name with `ok` or the message it failed with. */
export interface ReadinessAnswer {
  status: 'ready' | 'not ready';
  checks: Record<string, string>;
}

/** `/healthz` (the process is up), `/readyz` (its dependencies answer) and `/metrics`. */
export function createOpsRouter(options: OpsOptions): Router {
  const router = express.Router();
  const timeoutMs = options.checkTimeoutMs ?? 2000;
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), timeoutMs);
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, (err as Error).message || 'failed'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    const answer: ReadinessAnswer = {
      status: ready ? 'ready' : 'not ready',
      checks: Object.fromEntries(results),
    };
    res.status(ready ? 200 : 503).json(answer);
  });
  router.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
  return router;
}

/** A small HTTP server with only the ops routes, for processes without an API (worker, aggregator). */
export async function startOpsServer(options: OpsOptions & { port: number; host?: string }): Promise<{
  port: number;
  close: () => Promise<void>;
}> {
  const app = express();
  app.disable('x-powered-by');
  app.use(createOpsRouter(options));
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host ?? '0.0.0.0', (err?: Error) =>
      err ? reject(err) : resolve(s),
    );
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
