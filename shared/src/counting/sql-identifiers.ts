import { CounterConfigError } from '../errors';
import type { ColumnRef } from '../definitions/types';

/**
 * The one identifier shape the dictionary allows (docs/metric-definitions.md). Checked again here,
 * right before SQL text is built, so a definition that skipped the loader (a job payload, a test)
 * can never smuggle SQL through a table or column name.
 */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Returns `"name"` for a valid identifier; throws CounterConfigError naming the bad one otherwise. */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new CounterConfigError(
      `invalid SQL identifier ${JSON.stringify(name)}: must match ${IDENTIFIER.source}`,
    );
  }
  // The pattern admits no double quote, so no escaping is needed inside the quotes.
  return `"${name}"`;
}

/** `"table"."column"`, both parts validated. */
export function quoteColumn(ref: ColumnRef): string {
  return `${quoteIdentifier(ref.table)}.${quoteIdentifier(ref.column)}`;
}

/**
 * Trusted `where_sql` is still refused when it contains a statement separator or a comment opener:
 * either could end the condition early and hide the rest of the statement (the rule of
 * docs/metric-definitions.md, enforced again at SQL build time).
 */
export function assertTrustedCondition(whereSql: string): string {
  const forbidden = [';', '--', '/*'].filter((token) => whereSql.includes(token));
  if (whereSql.trim() === '' || forbidden.length > 0) {
    throw new CounterConfigError(
      whereSql.trim() === ''
        ? 'where_sql is empty'
        : `where_sql must not contain ${forbidden.map((t) => JSON.stringify(t)).join(', ')}`,
    );
  }
  return whereSql;
}
