import express, { type RequestHandler } from 'express';

/** JSON bodies above this are refused (413): tracking bodies are small, 50 events fit easily. */
export const BODY_LIMIT = '64kb';

/**
 * The JSON body parser, mounted by each router after its token check: a request that fails
 * authentication is answered without its body ever being read.
 */
export const jsonBody = express.json({ limit: BODY_LIMIT });

/** `auth`, then (only if it let the request through) the JSON body parser, as one handler. */
export function authThenJson(auth: RequestHandler): RequestHandler {
  return (req, res, next) => {
    auth(req, res, (err?: unknown) => (err === undefined ? jsonBody(req, res, next) : next(err)));
  };
}
