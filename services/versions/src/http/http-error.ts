/** What an error that reached the error handler becomes on the wire; the only such mapping. */
export function toHttpError(err: unknown): { status: number; body: { error: string; message: string } } {
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown; message?: unknown };
  // Express and its parsers throw 4xx errors for requests they cannot read (a malformed
  // percent-encoding in the path, a body over the limit): the client's error, answered as such.
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: { error: 'bad_request', message: typeof e.message === 'string' ? e.message : 'bad request' },
    };
  }
  // PostgreSQL's class 22 (data exception) can only come from a value a client sent that
  // validation let through.
  if (typeof e.code === 'string' && e.code.startsWith('22')) {
    return {
      status: 400,
      body: {
        error: 'unstorable_value',
        message: `a value in the request cannot be stored: ${String(e.message)}`,
      },
    };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error' } };
}
