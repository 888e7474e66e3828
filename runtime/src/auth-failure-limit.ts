import type { RequestHandler, Response } from 'express';
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
 * The point is stored before the 401 leaves (`holdFailureUntilCounted`): counted after it, a
 * client's next guess could be checked before its last one was counted.
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
        holdFailureUntilCounted(res, () =>
          limiter.penalty(ip).then(
            () => undefined,
            (err: unknown) => options.onStoreError?.(err),
          ),
        );
        next();
      },
      (err: unknown) => {
        options.onStoreError?.(err);
        next();
      },
    );
  };
}

/** Delays the end of a 401 response until `count` settled, so the failure is stored first. */
function holdFailureUntilCounted(res: Response, count: () => Promise<void>): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    if (res.statusCode !== 401) return end(...args);
    void count().finally(() => end(...args));
    return res;
  }) as Response['end'];
}
