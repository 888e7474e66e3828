import { CounterConfigError } from '../errors';
import type { ColumnRef, DatabaseQuery, QueryFilter } from '../definitions/types';
import type { DatabaseWindow } from '../planning/database-window';
import { assertTrustedCondition, quoteColumn, quoteIdentifier } from './sql-identifiers';
import type { SqlParams, SqlValue } from './sql-params';

const COMPARISONS = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/**
 * `FROM … JOIN … WHERE …` of a database metric: the main table, its inner joins, every filter
 * (values bound through `params`), the trusted `where_sql` in parentheses, the 7d/28d window on
 * the timestamp column (BETWEEN, inclusive, as GitLab's `Gitlab::Usage::TimeFrame`) and the
 * caller's `extra` conditions (IS NOT NULL, explicit bounds). With `batchRange`, the table of that
 * column is read through a fenced range (`fencedRangeSql`), bounds `$1` and `$2`. Throws
 * CounterConfigError when an identifier is invalid, a table is out of scope or a filter value does
 * not fit its operator.
 */
export function fromWhereSql(
  query: DatabaseQuery,
  window: DatabaseWindow | null,
  params: SqlParams,
  extra: readonly string[] = [],
  batchRange?: ColumnRef,
): string {
  const scope = tablesInScope(query);
  const source = (table: string) =>
    batchRange?.table === table ? fencedRangeSql(batchRange) : quoteIdentifier(table);
  const lines = [`FROM ${source(query.table)}`];
  for (const join of query.joins) {
    const right: ColumnRef = { table: join.table, column: join.rightColumn };
    lines.push(`JOIN ${source(join.table)} ON ${quoteColumn(join.left)} = ${quoteColumn(right)}`);
  }
  const conditions = query.filters.map((filter) => filterSql(filter, scope, params));
  if (query.whereSql !== undefined) conditions.push(`(${assertTrustedCondition(query.whereSql)})`);
  if (window) {
    const ts = scopedColumn(query.timestampColumn, scope);
    // ISO text with Z: exact for timestamptz and read as UTC wall time for timestamp columns,
    // which is how GitLab stores them; a JS Date would be rendered in the process's time zone.
    conditions.push(
      `${ts} BETWEEN ${params.add(window.from.toISOString())} AND ${params.add(window.to.toISOString())}`,
    );
  }
  conditions.push(...extra);
  if (conditions.length > 0) lines.push(`WHERE ${conditions.join('\n  AND ')}`);
  return lines.join('\n');
}

/**
 * The rows of `range.table` whose `range.column` lies in `[$1, $2]`, as a subquery under the
 * table's own name (so every column reference, `where_sql` included, reads the same). `OFFSET 0`
 * keeps PostgreSQL from flattening it into the join, so the batch range drives the plan and a
 * batch costs in proportion to its rows. Unfenced, a selective join can turn the plan around:
 * `issues JOIN users WHERE users.user_type = 1` fetched all 24 000 issues of the one bot user
 * through `index_issues_on_author_id` and filtered them by id, ~600 ms per batch whatever its
 * size, against 123 ms fenced for a 10⁵-row batch at 2·10⁷ rows (issue #13). PostgreSQL drops
 * the subquery's unused columns (`remove_unused_subquery_outputs`), so `*` does not stop an
 * index-only scan.
 */
export function fencedRangeSql(range: ColumnRef): string {
  const table = quoteIdentifier(range.table);
  const column = quoteColumn(range);
  return `(SELECT * FROM ${table} WHERE ${column} >= $1 AND ${column} <= $2 OFFSET 0) AS ${table}`;
}

/**
 * The quoted column after checking its table is the main table or a joined one, so a reference
 * to an unjoined table fails here with a clear message instead of inside PostgreSQL.
 */
export function scopedColumn(ref: ColumnRef, scope: ReadonlySet<string>): string {
  const quoted = quoteColumn(ref);
  if (!scope.has(ref.table)) {
    throw new CounterConfigError(
      `column ${ref.table}.${ref.column} names a table that is neither the main table nor joined`,
    );
  }
  return quoted;
}

/** The main table and every joined one; a join may only hang off a table already in scope. */
export function tablesInScope(query: DatabaseQuery): ReadonlySet<string> {
  quoteIdentifier(query.table);
  quoteIdentifier(query.primaryKey);
  const scope = new Set([query.table]);
  for (const join of query.joins) {
    scopedColumn(join.left, scope);
    if (scope.has(join.table)) {
      throw new CounterConfigError(
        `table ${join.table} is joined twice or joins itself; aliases are not supported`,
      );
    }
    scope.add(join.table);
  }
  return scope;
}

function filterSql(filter: QueryFilter, scope: ReadonlySet<string>, params: SqlParams): string {
  const column = scopedColumn(filter.column, scope);
  const { op, value } = filter;
  const where = `filter ${op} on ${filter.column.table}.${filter.column.column}`;
  switch (op) {
    case 'is_null':
    case 'is_not_null':
      if (value !== undefined) throw new CounterConfigError(`${where} takes no value`);
      return `${column} IS ${op === 'is_null' ? '' : 'NOT '}NULL`;
    case 'in':
    case 'not_in':
      if (!Array.isArray(value)) throw new CounterConfigError(`${where} needs a list of values`);
      // One array parameter whatever the list length: the statement text stays the same.
      return op === 'in' ? `${column} = ANY(${params.add(value)})` : `${column} <> ALL(${params.add(value)})`;
    default:
      if (value === undefined || Array.isArray(value)) {
        throw new CounterConfigError(`${where} needs a single value`);
      }
      return `${column} ${COMPARISONS[op]} ${params.add(value satisfies SqlValue)}`;
  }
}
