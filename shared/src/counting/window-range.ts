import { CounterConfigError } from '../errors';
import type { ColumnRef, DatabaseQuery } from '../definitions/types';
import type { DatabaseWindow } from '../planning/database-window';
import { batchColumn } from './query-sql';
import { quoteColumn, quoteIdentifier } from './sql-identifiers';
import { SqlParams, type SqlStatement } from './sql-params';

/**
 * The timestamp column whose index could narrow the batch range of a 7d/28d metric to its window,
 * or null when the range cannot be narrowed: no window, explicit start/finish (the definition's
 * own bounds win), or a batch or timestamp column on a joined table (the main table's index
 * cannot find those rows).
 *
 * Without narrowing, a 28d metric walks the whole primary key to count the ~5 % of rows in its
 * window. GitLab narrows too: its counters take MIN/MAX over the time-constrained relation.
 */
export function narrowingTimestamp(query: DatabaseQuery, window: DatabaseWindow | null): ColumnRef | null {
  if (!window || query.start !== undefined || query.finish !== undefined) return null;
  const batch = batchColumn(query);
  const timestamp = query.timestampColumn;
  return batch.table === query.table && timestamp.table === query.table ? timestamp : null;
}

/**
 * `min`/`max` of the batch column over the rows inside `window` only. The OFFSET 0 fence keeps
 * PostgreSQL on the timestamp index: left to itself it may rewrite MIN(id) into a walk of the
 * primary key from one end that reads every row outside the window first. Filters are left out
 * on purpose, as in `boundsQuery`: every batch applies them, and the window alone is what the
 * index answers cheaply. Run it only when `leadingIndexQuery` found an index.
 */
export function windowBoundsQuery(query: DatabaseQuery, window: DatabaseWindow): SqlStatement {
  const timestamp = narrowingTimestamp(query, window);
  if (!timestamp)
    throw new CounterConfigError(`the batch range of ${query.table} cannot be narrowed to its window`);
  const params = new SqlParams('bind');
  const batch = quoteColumn(batchColumn(query));
  const text = [
    'SELECT MIN(batch_value) AS min, MAX(batch_value) AS max FROM (',
    `  SELECT ${batch} AS batch_value FROM ${quoteIdentifier(query.table)}`,
    `  WHERE ${quoteColumn(timestamp)} BETWEEN ${params.add(window.from.toISOString())} AND ${params.add(window.to.toISOString())}`,
    '  OFFSET 0',
    ') AS in_window',
  ].join('\n');
  return { text, params: params.values };
}
