import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { DefinitionError, ServpingError } from '@servping/shared';
import { RunAlreadyInProgressError, ServicePingDisabledError } from '../runs/run-errors';
import { ApiError } from './api-error';

/** What an error becomes on the wire. The only place that maps errors to HTTP statuses. */
export function toHttpError(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof ApiError) return { status: err.status, body: { message: err.message, ...err.details } };
  if (err instanceof ServicePingDisabledError) return { status: 423, body: { message: err.message } };
  if (err instanceof RunAlreadyInProgressError) {
    return { status: 409, body: { message: err.message, runId: err.runId } };
  }
  if (err instanceof DefinitionError) {
    return {
      status: 422,
      body: { message: 'the metric dictionary is invalid', problems: err.problems },
    };
  }
  if (err instanceof ServpingError && err.code === 'SERVPING_UNKNOWN_EVENT') {
    return { status: 422, body: { message: err.message } };
  }
  // express.json() errors carry `type` and a 4xx `status`.
  const bodyError = err as { type?: string; status?: number; message?: string };
  if (bodyError.type === 'entity.too.large')
    return { status: 413, body: { message: 'request body too large' } };
  if (bodyError.type === 'entity.parse.failed')
    return { status: 400, body: { message: 'request body is not valid JSON' } };
  if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return { status: bodyError.status, body: { message: bodyError.message ?? 'bad request' } };
  }
  // PostgreSQL's class 22 (data exception: NUL in text, a value out of range…) can only come
  // from a value a client sent that validation let through: the client's error, not ours.
  const dbError = err as { code?: unknown; message?: string };
  if (typeof dbError.code === 'string' && dbError.code.startsWith('22')) {
    return { status: 400, body: { message: `a value in the request cannot be stored: ${dbError.message}` } };
  }
  return { status: 500, body: { message: 'internal error' } };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toHttpError(err);
    if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}
