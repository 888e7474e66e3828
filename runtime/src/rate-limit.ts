import type { RequestHandler } from 'express';
import { isFull, takeToken, type TokenBucketLimits, type TokenBucketState } from '@servping/shared';

/** Past this many tracked clients, buckets that have refilled completely are forgotten. */
const PRUNE_AT_CLIENTS = 10_000;

/**
 * Per-client-IP token bucket for public endpoints (Versions ingest, the collector's API). State lives in this process: with N
 * replicas behind a load balancer a client gets up to N times the configured rate.
 */
export function createRateLimit(options: {
  limits: TokenBucketLimits;
  nowMs: () => number;
  onLimited: (ip: string, path: string) => void;
}): RequestHandler {
  const buckets = new Map<string, TokenBucketState>();
  return (req, res, next) => {
    if (options.limits.perMinute <= 0) return next();
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const now = options.nowMs();
    if (buckets.size > PRUNE_AT_CLIENTS) {
      for (const [key, state] of buckets) if (isFull(state, now, options.limits)) buckets.delete(key);
    }
    const result = takeToken(buckets.get(ip), now, options.limits);
    buckets.set(ip, result.state);
    if (result.allowed) return next();
    // baseUrl is the mount path that matched, one of a fixed few: a bounded metrics label.
    options.onLimited(ip, req.baseUrl);
    res
      .status(429)
      .set('Retry-After', String(result.retryAfterS))
      .json({ error: 'rate_limited', message: `too many requests; retry after ${result.retryAfterS} s` });
  };
}
