import Ajv, { type JSONSchemaType, type ValidateFunction } from 'ajv';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/**
 * Validates `req.body` against a JSON schema; a mismatch is a 400 listing every problem with its
 * JSON pointer. Handlers then read a body whose type the schema guarantees.
 */
export function validateBody<T>(schema: JSONSchemaType<T>): RequestHandler {
  const validate: ValidateFunction<T> = ajv.compile(schema);
  return (req, _res, next) => {
    const body: unknown = req.body ?? {};
    if (!validate(body)) {
      const problems = (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
      );
      throw new ApiError(400, `invalid request body: ${problems.join('; ')}`, { problems });
    }
    req.body = body;
    next();
  };
}
