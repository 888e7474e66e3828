import type { RequestHandler } from 'express';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RequestLimitOptions {
  /**
   * Counts requests per client IP: `points` per `duration` seconds. A shared store
   * (RateLimiterPostgres, RateLimiterRedis) makes the limit hold across replicas.
   */
  limiter: RateLimiterAbstract;
  /** `path` is the mount path that matched (one of a fixed few: a bounded metrics label). */
  onLimited: (ip: string, path: string) => void;
  /** The store failed: the request goes on (a limiter outage must not refuse every sender). */
  onStoreError: (err: unknown) => void;
}

/**
 * Spends one point of the client IP per request and refuses (429, Retry-After) once its window is
 * spent. Every request counts, refused bodies too, so a flood of garbage cannot bypass the limit.
 */
export function limitRequests(options: RequestLimitOptions): RequestHandler {
  const { limiter } = options;
  return (req, res, next) => {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    limiter.consume(ip).then(
      () => next(),
      (rejection: unknown) => {
        // rate-limiter-flexible rejects with a RateLimiterRes when the points are spent and with
        // the store's error when it could not count.
        if (!(rejection instanceof RateLimiterRes)) {
          options.onStoreError(rejection);
          next();
          return;
        }
        options.onLimited(ip, req.baseUrl);
        const retryAfterS = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        res
          .status(429)
          .set('Retry-After', String(retryAfterS))
          .json({ error: 'rate_limited', message: `too many requests; retry after ${retryAfterS} s` });
      },
    );
  };
}
