import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type BodyFailure = 'unsupported_media_type' | 'too_large' | 'invalid_gzip' | 'aborted';

/** The request body could not be read; `status` is the HTTP answer (none for an aborted request). */
export class BodyReadError extends Error {
  constructor(
    readonly reason: BodyFailure,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BodyReadError';
  }
}

/** `application/json` and `application/<x>+json`, with parameters. */
const JSON_CONTENT_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a JSON request body as text. `limitBytes` bounds the bytes on the wire AND, for
 * `Content-Encoding: gzip`, the decompressed bytes: a 10 KB gzip bomb that inflates to gigabytes
 * is stopped as soon as the inflated output passes the limit, never buffered whole.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const contentType = req.headers['content-type'];
  if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) {
    throw new BodyReadError('unsupported_media_type', 415, 'Content-Type must be application/json');
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!['identity', 'gzip', 'x-gzip'].includes(encoding)) {
    throw new BodyReadError('unsupported_media_type', 415, 'Content-Encoding must be gzip or identity');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (encoding === 'identity') return collect(req, limitBytes, 'invalid_gzip');

  const gunzip = createGunzip();
  let wireBytes = 0;
  const onData = (chunk: Buffer) => {
    wireBytes += chunk.length;
    if (wireBytes > limitBytes) gunzip.destroy(tooLarge(limitBytes));
  };
  const onClose = () => {
    if (!req.complete) gunzip.destroy(new BodyReadError('aborted', 400, 'request aborted'));
  };
  req.on('data', onData);
  req.once('close', onClose);
  req.pipe(gunzip);
  try {
    return await collect(gunzip, limitBytes, 'invalid_gzip');
  } finally {
    req.off('data', onData);
    req.off('close', onClose);
    req.unpipe(gunzip);
    gunzip.destroy();
    // Let the rest of an abandoned upload drain so the answer can still be written.
    req.resume();
  }
}

/**
 * Buffers `source` up to `limitBytes`. Past the limit it stops buffering but does not destroy the
 * stream: destroying the request would reset the socket while the client is still sending, and
 * the client would never read the 413 (see drainRequest).
 */
function collect(source: Readable, limitBytes: number, streamFailure: BodyFailure): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err: BodyReadError | undefined) => {
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) settle(tooLarge(limitBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => settle(undefined);
    const onError = (err: unknown) => {
      if (err instanceof BodyReadError) return settle(err);
      // zlib errors carry a `code` such as Z_DATA_ERROR; anything else on a plain request is an abort.
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code.startsWith('Z_'))
        return settle(new BodyReadError(streamFailure, 400, 'body is not valid gzip data'));
      settle(new BodyReadError('aborted', 400, 'request aborted'));
    };
    // A request that the client abandons closes without 'end' (a gunzip stream errors instead).
    const onClose = () => onError(new Error('aborted'));
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    source.once('close', onClose);
  });
}

/**
 * Reads and discards the rest of a refused request body, up to `boundBytes`, so that the client
 * finishes sending and can read the answer; resolves when the body ended, the client went away,
 * or the bound was passed (the caller then answers with `Connection: close` anyway).
 */
export function drainRequest(req: IncomingMessage, boundBytes: number): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', done);
      req.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > boundBytes) done();
    };
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    // A client that declares a huge Content-Length and then sends nothing must not hold the
    // answer back: after a second it gets its 413 with whatever it has sent so far.
    const timer = setTimeout(done, DRAIN_WAIT_MS);
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
}

const DRAIN_WAIT_MS = 1000;

function tooLarge(limitBytes: number): BodyReadError {
  return new BodyReadError('too_large', 413, `body exceeds ${limitBytes} bytes`);
}
