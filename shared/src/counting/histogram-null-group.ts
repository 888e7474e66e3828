import type { DatabaseQuery } from '../definitions/types';
import type { PartialResult } from './partial-result';

/**
 * GitLab runs a histogram as one `GROUP BY column` statement, so rows whose column is NULL form a
 * group of their own and are bucketed like any other. servping batches a histogram over the
 * column's value ranges, which never contain NULL, and adds that group once per metric: its size
 * is a plain count (batched over the primary key) of the rows the histogram reads with the column
 * NULL. Explicit start/finish bound the column's values, which excludes NULL, as the batches do.
 */
export function nullGroupCountQuery(query: DatabaseQuery): DatabaseQuery | null {
  if (query.operation !== 'histogram' || query.start !== undefined || query.finish !== undefined) return null;
  return {
    operation: 'count',
    table: query.table,
    primaryKey: query.primaryKey,
    column: { table: query.table, column: query.primaryKey },
    joins: query.joins,
    filters: [...query.filters, { column: query.column, op: 'is_null' }],
    ...(query.whereSql === undefined ? {} : { whereSql: query.whereSql }),
    timestampColumn: query.timestampColumn,
  };
}

/**
 * PostgreSQL's `width_bucket(operand, low, high, count)` for numbers: 0 below the range, count + 1
 * at or above its end (below/above for a descending range), else the 1-based equal-width bucket.
 */
export function widthBucket(operand: number, low: number, high: number, count: number): number {
  if (low < high) {
    if (operand < low) return 0;
    if (operand >= high) return count + 1;
    return Math.floor((count * (operand - low)) / (high - low)) + 1;
  }
  if (operand > low) return 0;
  if (operand <= high) return count + 1;
  return Math.floor((count * (low - operand)) / (low - high)) + 1;
}

/** `histogram` with the NULL group of `nullRows` rows counted in its bucket (none when 0). */
export function withNullGroup(
  histogram: Extract<PartialResult, { kind: 'histogram' }>,
  nullRows: number,
  options: NonNullable<DatabaseQuery['histogram']>,
): Extract<PartialResult, { kind: 'histogram' }> {
  if (nullRows <= 0) return histogram;
  const bucket = String(widthBucket(nullRows, options.lower, options.upper, options.bucketCount - 1));
  return {
    kind: 'histogram',
    buckets: { ...histogram.buckets, [bucket]: (histogram.buckets[bucket] ?? 0) + 1 },
  };
}
