/** A query or path parameter is malformed; routes answer 400 with this message. */
export class QueryParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParamError';
  }
}

/** An integer parameter in [min, max]; absent → `fallback`. */
export function intParam(raw: unknown, name: string, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw))
    throw new QueryParamError(`${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new QueryParamError(`${name} must be between ${min} and ${max}`);
  return n;
}

/** An ISO 8601 timestamp parameter; absent → `fallback`. */
export function timeParam(raw: unknown, name: string, fallback: Date): Date {
  if (raw === undefined || raw === '') return fallback;
  const parsed = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()))
    throw new QueryParamError(`${name} must be an ISO 8601 timestamp`);
  return parsed;
}

const KEY_PATH = /^[A-Za-z0-9_-]{1,200}(\.[A-Za-z0-9_-]{1,200}){0,31}$/;

/**
 * A payload key path such as `counts.issues`, split into segments. Segments are restricted to
 * letters, digits, `_` and `-`.
 */
export function keyPathParam(raw: unknown): string[] {
  if (typeof raw !== 'string' || !KEY_PATH.test(raw))
    throw new QueryParamError('key path must be dot-separated segments of letters, digits, _ and -');
  return raw.split('.');
}
