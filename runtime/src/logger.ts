import pino, { type Logger } from 'pino';

/** The root logger of a process. Components take `logger.child({ component })`. */
export function createLogger(options: { service: string; level: string }): Logger {
  return pino({
    level: options.level,
    base: { service: options.service },
    // Tokens and payload bodies never reach the log, even when a caller logs a request by mistake.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["private-token"]',
        'token',
        'payload',
        '*.token',
        '*.payload',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
