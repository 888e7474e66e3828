import type { Logger } from 'pino';

/**
 * Runs a service the same way in every `main.ts`: start it, and on SIGTERM/SIGINT stop it within
 * `stopTimeoutMs` (then exit non-zero: a stop that hangs, e.g. on an unreachable Redis, must not
 * keep a container alive forever).
 */
export async function runService(options: {
  logger: Logger;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  stopTimeoutMs?: number;
}): Promise<void> {
  const { logger } = options;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      logger.error({ stopTimeoutMs }, 'stop timed out; exiting');
      process.exit(1);
    }, stopTimeoutMs);
    timer.unref();
    options.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    await options.start();
    logger.info('started');
  } catch (err) {
    logger.fatal({ err }, 'start failed');
    process.exit(1);
  }
}
