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

async function collect(source: Readable, limitBytes: number, streamFailure: BodyFailure): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > limitBytes) throw tooLarge(limitBytes);
      chunks.push(buffer);
    }
  } catch (err) {
    if (err instanceof BodyReadError) throw err;
    // zlib errors carry a `code` such as Z_DATA_ERROR; anything else on a plain request is an abort.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) throw new BodyReadError(streamFailure, 400, 'body is not valid gzip data');
    throw new BodyReadError('aborted', 400, 'request aborted');
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function tooLarge(limitBytes: number): BodyReadError {
  return new BodyReadError('too_large', 413, `body exceeds ${limitBytes} bytes`);
}
