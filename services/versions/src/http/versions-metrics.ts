import type { RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The service's own Prometheus metrics, registered on the runtime's registry. */
export interface VersionsMetrics {
  ingest: Counter<'endpoint' | 'outcome'>;
  rejections: Counter<'endpoint' | 'reason'>;
  durations: Histogram<'method' | 'route' | 'status'>;
}

export function createVersionsMetrics(registry: Registry): VersionsMetrics {
  return {
    ingest: new Counter({
      name: 'versions_ingest_requests_total',
      help: 'Ingest requests by endpoint and outcome (stored, duplicate, rejected, rate_limited, failed).',
      labelNames: ['endpoint', 'outcome'],
      registers: [registry],
    }),
    rejections: new Counter({
      name: 'versions_ingest_rejections_total',
      help: 'Refused ingest bodies by reason (invalid_json, schema, too_large, forbidden_key, …).',
      labelNames: ['endpoint', 'reason'],
      registers: [registry],
    }),
    durations: new Histogram({
      name: 'versions_http_request_duration_seconds',
      help: 'HTTP request duration by method, matched route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/**
 * Times every request. The route label is the matched express pattern (`/api/v1/instances/:uuid/pings`),
 * never the raw URL, so label cardinality stays bounded.
 */
export function observeRequests(metrics: VersionsMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.durations.startTimer();
    res.once('finish', () => {
      const pattern = (req.route as { path?: string } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
