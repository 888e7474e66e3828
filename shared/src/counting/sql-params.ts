import { CounterConfigError } from '../errors';

/** A value a counting statement binds: filter values, window timestamps, histogram bounds. */
export type SqlValue = string | number | boolean | null | readonly SqlValue[];

/** SQL text plus the values of its `$n` placeholders, in order. */
export interface SqlStatement {
  text: string;
  params: SqlValue[];
}

/**
 * Collects the values of one statement. In `bind` mode every value becomes the next `$n`
 * placeholder (`firstIndex` reserves the ones before it, e.g. $1/$2 for batch bounds); in
 * `inline` mode it becomes an escaped SQL literal, for display only. Building both forms through
 * the same code path keeps the displayed SQL identical to the executed one.
 */
export class SqlParams {
  readonly values: SqlValue[] = [];

  constructor(
    private readonly mode: 'bind' | 'inline',
    private readonly firstIndex = 1,
  ) {}

  /** The placeholder (or literal) standing for `value` in the SQL text. */
  add(value: SqlValue): string {
    if (this.mode === 'inline') return sqlLiteral(value);
    this.values.push(value);
    return `$${this.firstIndex + this.values.length - 1}`;
  }
}

/**
 * A PostgreSQL literal for `value`, for displaying a statement, never for running one. Strings use
 * the E'' form when they contain a backslash so the text means the same whatever
 * `standard_conforming_strings` says; NUL cannot be stored in PostgreSQL text and is refused.
 */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CounterConfigError(`cannot use ${value} as an SQL value`);
    return String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new CounterConfigError('an SQL string value must not contain NUL');
    const quoted = value.replace(/'/g, "''");
    return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
  }
  return value.length === 0 ? "'{}'" : `ARRAY[${value.map(sqlLiteral).join(', ')}]`;
}
