import type { Logger } from 'pino';

export interface RepeatedErrorLogOptions {
  /** Repeats of one error message within this many ms are counted, not logged (default 30 s). */
  intervalMs?: number;
  /** Clock in ms; injected by tests. */
  now?: () => number;
}

/** Distinct messages remembered at once; past it the memory starts over (a flood of unique errors). */
const MAX_TRACKED_MESSAGES = 100;

/**
 * An `error` listener for errors that come in bursts while a dependency is down: a Redis outage
 * makes every BullMQ worker and connection emit the same error many times a second while the
 * client reconnects by itself. The first occurrence of a message is a warning; repeats within
 * `intervalMs` are counted and reported as `repeats` on the next line logged for that message.
 * No timer is kept, so the listener never holds a stopping process open.
 */
export function repeatedErrorLog(
  logger: Pick<Logger, 'warn'>,
  message: string,
  options: RepeatedErrorLogOptions = {},
): (err: Error) => void {
  const intervalMs = options.intervalMs ?? 30_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { loggedAt: number; repeats: number }>();
  return (err: Error) => {
    const key = err.message;
    const at = now();
    const last = seen.get(key);
    if (last && at - last.loggedAt < intervalMs) {
      last.repeats += 1;
      return;
    }
    if (!last && seen.size >= MAX_TRACKED_MESSAGES) seen.clear();
    seen.set(key, { loggedAt: at, repeats: 0 });
    logger.warn({ err, repeats: last?.repeats ?? 0 }, message);
  };
}
