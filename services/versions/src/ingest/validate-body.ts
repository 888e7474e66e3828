import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import {
  errorSchema,
  metadataSchema,
  usageDataSchema,
  type ErrorEnvelope,
  type MetadataEnvelope,
  type UsageDataEnvelope,
} from './envelope-schemas';
import {
  escapePointer,
  inspectJsonDocument,
  mayContainUnstorableText,
  type JsonGuardReason,
} from './json-guards';
import type { NumericLeaves } from './numeric-leaves';
import { isStorableDate, isStorableTimestamp } from './storable-time';

export type IngestEndpoint = 'usage_data' | 'usage_ping_metadata' | 'usage_ping_errors';

export interface BodyByEndpoint {
  usage_data: UsageDataEnvelope;
  usage_ping_metadata: MetadataEnvelope;
  usage_ping_errors: ErrorEnvelope;
}

/** Why a body was refused; the route maps it to an HTTP status and a metrics label. */
export type RejectionReason = 'invalid_json' | JsonGuardReason | 'schema';

export interface BodyProblem {
  path: string;
  message: string;
}

export type ValidationResult<E extends IngestEndpoint> =
  | { ok: true; body: BodyByEndpoint[E]; leaves: NumericLeaves }
  | { ok: false; reason: RejectionReason; problems: BodyProblem[] };

export type BodyValidator = <E extends IngestEndpoint>(endpoint: E, text: string) => ValidationResult<E>;

/**
 * Compiles the three schemas once and returns a pure validator: text in, typed body or every
 * problem out. Order: JSON syntax, then the structural guards (so a `__proto__` key never reaches
 * ajv), then the schema with all errors collected.
 */
export function createBodyValidator(options: { maxKeys: number }): BodyValidator {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('storable-date-time', isStorableTimestamp);
  ajv.addFormat('storable-date', isStorableDate);
  const validators: Record<IngestEndpoint, ValidateFunction> = {
    usage_data: ajv.compile(usageDataSchema),
    usage_ping_metadata: ajv.compile(metadataSchema),
    usage_ping_errors: ajv.compile(errorSchema),
  };
  return <E extends IngestEndpoint>(endpoint: E, text: string): ValidationResult<E> => {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return { ok: false, reason: 'invalid_json', problems: [{ path: '', message: (err as Error).message }] };
    }
    const { violations, leaves } = inspectJsonDocument(doc, {
      maxKeys: options.maxKeys,
      checkStrings: mayContainUnstorableText(text),
    });
    const first = violations[0];
    if (first) {
      return {
        ok: false,
        reason: first.reason,
        problems: violations.map(({ path, message }) => ({ path, message })),
      };
    }
    const validate = validators[endpoint];
    if (!validate(doc)) {
      return { ok: false, reason: 'schema', problems: (validate.errors ?? []).map(toProblem) };
    }
    return { ok: true, body: doc as BodyByEndpoint[E], leaves };
  };
}

/** ajv reports a missing property on its parent; name the property itself instead. */
function toProblem(error: ErrorObject): BodyProblem {
  const missing =
    error.keyword === 'required' ? (error.params as { missingProperty: string }).missingProperty : undefined;
  return {
    path: missing === undefined ? error.instancePath : `${error.instancePath}/${escapePointer(missing)}`,
    message: error.message ?? error.keyword,
  };
}
