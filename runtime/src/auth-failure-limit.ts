import type { RequestHandler } from 'express';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

export interface AuthFailureLimitOptions {
  /**
   * Counts failed authentications per client IP: `points` failures per `duration` seconds. A
   * shared store (RateLimiterRedis, RateLimiterPostgres) makes the count hold across replicas.
   */
  limiter: RateLimiterAbstract;
  onLimited?: (ip: string) => void;
  /** The store failed: the request goes on (a limiter outage must not lock everyone out). */
  onStoreError?: (err: unknown) => void;
}

/**
 * Refuses (429) a client that has had `points` answers of 401 within the window, before any
 * authentication code runs; every 401 answered to a client adds a point. Counting the answers
 * rather than hooking each auth check covers every route behind it, whichever check said no.
 */
export function limitFailedAuth(options: AuthFailureLimitOptions): RequestHandler {
  const { limiter } = options;
  return (req, res, next) => {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    limiter.get(ip).then(
      (state) => {
        if (state && state.consumedPoints >= limiter.points) {
          options.onLimited?.(ip);
          const retryAfterS = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
          res
            .status(429)
            .set('Retry-After', String(retryAfterS))
            .set('Connection', 'close')
            .json({
              error: 'too_many_failed_authentications',
              message: `too many failed authentications; retry after ${retryAfterS} s`,
            });
          return;
        }
        res.on('finish', () => {
          if (res.statusCode === 401)
            limiter.penalty(ip).catch((err: unknown) => options.onStoreError?.(err));
        });
        next();
      },
      (err: unknown) => {
        options.onStoreError?.(err);
        next();
      },
    );
  };
}
