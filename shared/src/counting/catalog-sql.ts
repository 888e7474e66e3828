import type { ColumnRef } from '../definitions/types';
import { quoteIdentifier } from './sql-identifiers';
import type { SqlStatement } from './sql-params';

/**
 * One row `{ data_type }` for a column of a table on the search path (the first schema that has
 * it), none when the column does not exist: what estimates and distinct counts are decided by.
 */
export function columnTypeQuery(column: ColumnRef): SqlStatement {
  return {
    text: `SELECT data_type FROM information_schema.columns
WHERE table_name = $1 AND column_name = $2 AND table_schema = ANY (current_schemas(false))
ORDER BY array_position(current_schemas(false), table_schema::name)
LIMIT 1`,
    params: [column.table, column.column],
  };
}

/**
 * One row `{ indexed: boolean }`: whether a valid index of `column.table` (on the search path)
 * starts with `column`, so a window on it is an index range scan and not a sequential scan.
 */
export function leadingIndexQuery(column: ColumnRef): SqlStatement {
  return {
    text: `SELECT EXISTS (
  SELECT 1 FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
  WHERE i.indrelid = to_regclass($1) AND a.attname = $2 AND i.indisvalid
) AS indexed`,
    params: [quoteIdentifier(column.table), column.column],
  };
}

/**
 * One row `{ bounds }`: the column's `pg_stats.histogram_bounds` as array text (`{1,250,…}`), the
 * equal-row quantiles ANALYZE sampled, for the table on the search path; none when not analyzed.
 */
export function quantilesQuery(column: ColumnRef): SqlStatement {
  return {
    text: `SELECT histogram_bounds::text AS bounds FROM pg_stats
WHERE tablename = $1 AND attname = $2 AND schemaname = ANY (current_schemas(false))
ORDER BY array_position(current_schemas(false), schemaname::name)
LIMIT 1`,
    params: [column.table, column.column],
  };
}
