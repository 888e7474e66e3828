import type { HashableType } from '../hll/register-sql';

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);
const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'citext', 'name']);

/**
 * The hash family for a column from its `information_schema.columns.data_type`: integers, text
 * and uuid have dedicated hash expressions in the HLL register SQL; everything else (numeric,
 * timestamps, enums reported as USER-DEFINED, unknown) is hashed through its text form.
 */
export function hashableType(dataType: string | null): HashableType {
  if (dataType === null) return 'other';
  if (INTEGER_TYPES.has(dataType)) return 'integer';
  if (TEXT_TYPES.has(dataType)) return 'text';
  return dataType === 'uuid' ? 'uuid' : 'other';
}
