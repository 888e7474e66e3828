import { CounterConfigError } from '../errors';
import type { ColumnRef, DatabaseOperation, DatabaseQuery } from '../definitions/types';
import { hashableType } from './hashable-type';
import type { DatabaseWindow } from '../planning/database-window';
import { registerQuery, type HashableType, type HllMode } from '../hll/register-sql';
import { fromWhereSql, scopedColumn, tablesInScope } from './from-where-sql';
import { quoteColumn, quoteIdentifier } from './sql-identifiers';
import { SqlParams, type SqlStatement, type SqlValue } from './sql-params';

/** How an estimate hashes its column: the sketch family and the SQL type of the counted column. */
export interface HllHashing {
  mode: HllMode;
  valueType: HashableType;
}

/**
 * One batch statement of a metric. `$1` and `$2` are the batch's inclusive bounds on
 * `batchColumn(query)` (inclusive, so both are values within the column's own range and fit its
 * type even when the column ends at 2⁶³ − 1); `params` are `$3…`. Bind with `bindBatch`.
 */
export type BatchStatement = SqlStatement;

/** GitLab's `MAX_BUCKET_SIZE` for histograms (`Gitlab::Utils::UsageData`). */
export const MAX_HISTOGRAM_BUCKETS = 100;

/** Operations whose batches range over the main table's primary key (GitLab: count, batch_sum, HLL). */
const PRIMARY_KEY_BATCHED: ReadonlySet<DatabaseOperation> = new Set([
  'count',
  'sum',
  'estimate_distinct_count',
]);
const GROUPABLE: ReadonlySet<DatabaseOperation> = new Set(['count', 'distinct_count', 'sum']);

/**
 * The column the batches of `query` range over: the primary key for count, sum, estimates and
 * bitmap distinct counts (their per-batch sets union exactly whatever rows a batch holds); the
 * counted column itself for value-range distinct counts, average and histogram, so each distinct
 * value (or group) falls into exactly one batch and per-batch results add up exactly.
 */
export function batchColumn(query: DatabaseQuery): ColumnRef {
  return PRIMARY_KEY_BATCHED.has(query.operation) ||
    usesDistinctBits(query) ||
    query.averageBy === 'primary_key'
    ? { table: query.table, column: query.primaryKey }
    : query.column;
}

/** True when the batch column is the main table's primary key: its values are unique. */
export function batchesOverPrimaryKey(query: DatabaseQuery): boolean {
  const column = batchColumn(query);
  return column.table === query.table && column.column === query.primaryKey;
}

/**
 * `query` with its average strategy resolved: servping batches an average over the primary key
 * (exact whatever the sign, size or spread of the values); GitLab's value ranges of the column in
 * `gitlab` mode or when the definition bounds the column's values (start/finish). Other
 * operations and resolved queries come back unchanged.
 */
export function withAverageStrategy(query: DatabaseQuery, mode: HllMode = 'servping'): DatabaseQuery {
  if (query.operation !== 'average' || query.averageBy !== undefined) return query;
  const ranges = mode === 'gitlab' || query.start !== undefined || query.finish !== undefined;
  return { ...query, averageBy: ranges ? 'value_ranges' : 'primary_key' };
}

/** True for a distinct_count resolved to batch over the primary key with exact bit sets. */
export function usesDistinctBits(query: DatabaseQuery): boolean {
  return query.operation === 'distinct_count' && query.distinctBy === 'bitmap';
}

/** What the distinct_count strategy depends on, read from the instance database's catalog. */
export interface CountedColumnFacts {
  /** information_schema `data_type` of the counted column, null when unknown. */
  columnType: string | null;
  /** Whether a valid index starts with the counted column (`leadingIndexQuery`). */
  indexed: boolean;
}

/**
 * `query` with its distinct_count strategy resolved. GitLab's `value_ranges` where they are cheap
 * or the only exact choice: non-integer columns, explicit start/finish (GitLab's bounds of a
 * distinct count are values of the counted column), `gitlab` mode (GitLab's algorithm), and, when
 * an index starts with the counted column, a count through a join (an index nested loop per value
 * range, where primary-key batches would rebuild a hash of the joined table every time) or a bare
 * all-time count of the column (an index-only scan). `bitmap` otherwise: filters, a group or a
 * window need the rows, and a value range gathers them from all over the table. Measured serially
 * at 2·10^7 rows over the catalog's 17 all-time distinct counts: 21.1 s all value ranges, 12.9 s
 * all bitmaps, ~9.7 s adding up the strategy this rule picks, 8.1 s for naive's plain statements
 * (docs/benchmarks.md). Cheap is not free, though: a value-range walk reads every entry of the
 * column's index, one more read of the table's rows. When a shared table pass already reads the
 * rows the count needs (`sharesPass`, issue #13), a bitmap member of that pass reads none.
 * Other operations and already resolved queries come back unchanged.
 */
export function withDistinctStrategy(
  query: DatabaseQuery,
  facts: CountedColumnFacts & { windowed: boolean; sharesPass?: boolean },
  mode: HllMode = 'servping',
): DatabaseQuery {
  if (query.operation !== 'distinct_count' || query.distinctBy !== undefined) return query;
  const bare =
    query.filters.length === 0 && query.whereSql === undefined && !query.groupBy && !facts.windowed;
  const rangesAreCheap = facts.indexed && (query.joins.length > 0 || bare) && facts.sharesPass !== true;
  const bitmap =
    mode === 'servping' &&
    hashableType(facts.columnType) === 'integer' &&
    query.start === undefined &&
    query.finish === undefined &&
    !rangesAreCheap;
  return { ...query, distinctBy: bitmap ? 'bitmap' : 'value_ranges' };
}

/**
 * `SELECT MIN(c) AS min, MAX(c) AS max` of the batch column over its whole table. Deliberately
 * unfiltered: every batch applies the filters anyway, so a wider range stays exact, while the
 * filtered MIN/MAX can cost as much as the count itself in one statement that no batching
 * protects from the statement timeout.
 */
export function boundsQuery(query: DatabaseQuery): SqlStatement {
  assertCountable(query);
  const column = batchColumn(query);
  const quoted = quoteColumn(column);
  return {
    text: `SELECT MIN(${quoted}) AS min, MAX(${quoted}) AS max FROM ${quoteIdentifier(column.table)}`,
    params: [],
  };
}

/**
 * The values for the half-open batch `[start, end)` of a BatchStatement: `start`, `end − 1` (the
 * statement's bounds are inclusive) as decimal text, so no bigint is rounded, then its params.
 */
export function bindBatch(statement: BatchStatement, start: bigint, end: bigint): SqlValue[] {
  return [start.toString(), (end - 1n).toString(), ...statement.params];
}

/**
 * `statement` (a BatchStatement) with one more column, `next_key`: the smallest batch-column value
 * above the batch (`> $2`), read by an index probe in the same statement, NULL when there is none.
 * The batch's own rows keep their columns and carry `in_batch = 1`; an empty grouped batch still
 * returns one row (in_batch NULL) so the probe's answer is never lost. Only for a batch column with
 * a leading index, where the probe costs a few page reads.
 */
export function withNextKey(query: DatabaseQuery, statement: BatchStatement): BatchStatement {
  const column = batchColumn(query);
  const quoted = quoteColumn(column);
  const text = [
    'SELECT batch.*,',
    `  (SELECT ${quoted} FROM ${quoteIdentifier(column.table)} WHERE ${quoted} > $2 ORDER BY ${quoted} LIMIT 1) AS next_key`,
    'FROM (SELECT 1) AS anchor',
    `LEFT JOIN (SELECT 1 AS in_batch, batch_rows.* FROM (\n${statement.text}\n) AS batch_rows) AS batch ON true`,
  ].join('\n');
  return { text, params: statement.params };
}

/**
 * `SELECT key`: the batch column's value `$3` rows past `$1` below `$2` (both inclusive), i.e. the
 * exclusive end of a batch of `$3` rows of a unique batch column; no row when fewer remain. An
 * index-only walk of `$3` index entries, run only when a batch's width exceeds its row budget.
 */
export function rowBudgetEndQuery(query: DatabaseQuery): SqlStatement {
  const column = batchColumn(query);
  const quoted = quoteColumn(column);
  return {
    text: `SELECT ${quoted} AS key FROM ${quoteIdentifier(column.table)} WHERE ${quoted} >= $1 AND ${quoted} <= $2 ORDER BY ${quoted} OFFSET $3 LIMIT 1`,
    params: [],
  };
}

/**
 * The per-batch statement of `query` with bind parameters only. Result columns: `value`
 * (count, distinct_count, sum), `group_key` + `value` (grouped), `sum` + `count` (average),
 * `bucket` + `value` (histogram), `reg` + `w` or `bucket_num` + `bucket_hash` (estimate, from
 * the HLL module). Estimates need `hashing`. With `whole`, the statement covers the whole table
 * (a histogram's NULL group included). Throws CounterConfigError for a configuration GitLab
 * refuses too (distinct count of the primary key, grouped average…).
 */
export function buildBatchStatement(
  query: DatabaseQuery,
  window: DatabaseWindow | null,
  hashing?: HllHashing,
  options: { whole?: boolean } = {},
): BatchStatement {
  assertCountable(query);
  // `whole`: one statement over every row, the same shape without the range (so no $1/$2).
  const params = new SqlParams('bind', options.whole ? 1 : 3);
  // The batch range is fenced in the FROM (`fencedRangeSql`) so that it drives the plan.
  const range = options.whole ? undefined : batchColumn(query);
  const fromWhere = (extra: readonly string[]) => fromWhereSql(query, window, params, extra, range);
  return { text: selectOver(query, fromWhere, params, hashing), params: params.values };
}

/**
 * The batch SELECT of `query` over the rows `fromWhere(extra)` gives (`extra`: conditions to add,
 * e.g. IS NOT NULL of the counted column): the shape `buildBatchStatement` documents, whatever
 * the rows' source, so a shared table pass (`buildPassStatement`) reuses it over its own rows.
 */
export function selectOver(
  query: DatabaseQuery,
  fromWhere: (extra: readonly string[]) => string,
  params: SqlParams,
  hashing?: HllHashing,
): string {
  const column = quoteColumn(query.column);
  if (query.operation === 'estimate_distinct_count') {
    if (!hashing) throw new CounterConfigError('estimate_distinct_count needs the HLL mode and column type');
    return registerQuery({
      ...hashing,
      valueSql: column,
      fromWhereSql: fromWhere([`${column} IS NOT NULL`]),
    });
  }
  if (usesDistinctBits(query)) return distinctBitsSql(query, fromWhere([`${column} IS NOT NULL`]));
  if (query.operation === 'histogram') return histogramSql(query, fromWhere([]), params);
  return aggregateSql(query, `${batchSelect(query.operation, column)}\n${fromWhere([])}`);
}

/**
 * One plain, exact statement for the whole metric, as GitLab's `/usage_data/queries` export shows
 * it and as ground truth for tests: count → COUNT, distinct and estimate → exact COUNT(DISTINCT),
 * sum → SUM (0 when no rows), average → SUM/COUNT as float8 (−1 when no rows, like the counter),
 * histogram → GitLab's WIDTH_BUCKET statement. Explicit start/finish become inclusive bounds on the
 * batch column. Read the result with `readUnbatchedValue`.
 */
export function renderUnbatchedQuery(query: DatabaseQuery, window: DatabaseWindow | null): SqlStatement {
  const params = new SqlParams('bind');
  return { text: unbatchedSql(query, window, params), params: params.values };
}

/**
 * `renderUnbatchedQuery` with every value inlined as an escaped literal: for display (the queries
 * export, the CLI), never for execution.
 */
export function renderDisplaySql(query: DatabaseQuery, window: DatabaseWindow | null): string {
  return unbatchedSql(query, window, new SqlParams('inline'));
}

function unbatchedSql(query: DatabaseQuery, window: DatabaseWindow | null, params: SqlParams): string {
  assertCountable(query);
  const range = quoteColumn(batchColumn(query));
  const column = quoteColumn(query.column);
  const bounds: string[] = [];
  if (query.start !== undefined) bounds.push(`${range} >= ${params.add(query.start)}`);
  if (query.finish !== undefined) bounds.push(`${range} <= ${params.add(query.finish)}`);
  // GitLab's statement: NULL values of the column form a group like any other value.
  if (query.operation === 'histogram')
    return histogramSql(query, fromWhereSql(query, window, params, bounds), params);
  const fromWhere = fromWhereSql(query, window, params, bounds);
  return aggregateSql(query, `${unbatchedSelect(query.operation, column)}\n${fromWhere}`);
}

function batchSelect(operation: DatabaseOperation, column: string): string {
  return `SELECT ${batchAggregates(operation, column)
    .map(([name, sql]) => `${sql} AS ${name}`)
    .join(', ')}`;
}

/**
 * The result columns of a plain batch aggregate, `[name, expression]`: `value`, or `sum` and
 * `count` for an average. With `filter`, each aggregate counts only the rows it holds for
 * (`FILTER (WHERE …)`), as a shared table pass computes its plain members in one scan.
 */
export function batchAggregates(
  operation: DatabaseOperation,
  column: string,
  filter?: string,
): Array<[string, string]> {
  const only = filter === undefined ? '' : ` FILTER (WHERE ${filter})`;
  switch (operation) {
    case 'count':
      return [['value', `COUNT(${column})${only}`]];
    case 'distinct_count':
      return [['value', `COUNT(DISTINCT ${column})${only}`]];
    case 'sum':
      return [['value', `COALESCE(SUM(${column})${only}, 0)`]];
    case 'average':
      // GitLab's BatchAverageCounter: sum and count per batch, divided once at the end, so the
      // result is not an average of averages.
      return [
        ['sum', `COALESCE(SUM(${column})${only}, 0)`],
        ['count', `COUNT(${column})${only}`],
      ];
    default:
      throw new CounterConfigError(`operation ${operation} has no plain aggregate`);
  }
}

function unbatchedSelect(operation: DatabaseOperation, column: string): string {
  switch (operation) {
    case 'estimate_distinct_count':
      return `SELECT COUNT(DISTINCT ${column}) AS value`;
    case 'average':
      return `SELECT COALESCE(SUM(${column})::float8 / NULLIF(COUNT(${column}), 0), -1) AS value`;
    default:
      return batchSelect(operation, column);
  }
}

/**
 * One row per 32-bit word of the counted values a batch touched (`distinct-bits.ts`), per group
 * for a grouped metric: value v is bit `v & 31` of word `v >> 5`.
 */
function distinctBitsSql(query: DatabaseQuery, fromWhere: string): string {
  const value = `CAST(${quoteColumn(query.column)} AS bigint)`;
  const select = `(${value} >> 5) AS word, BIT_OR(1 << CAST(${value} & 31 AS integer)) AS bits`;
  if (!query.groupBy) return `SELECT ${select}\n${fromWhere}\nGROUP BY 1`;
  const key = quoteColumn(query.groupBy);
  return `SELECT CAST(${key} AS text) AS group_key, ${select}\n${fromWhere}\nGROUP BY 1, 2`;
}

/** Adds the group key and GROUP BY for grouped metrics; keys are text, as GitLab's JSON keys are. */
function aggregateSql(query: DatabaseQuery, selectFromWhere: string): string {
  if (!query.groupBy) return selectFromWhere;
  const key = quoteColumn(query.groupBy);
  return `${selectFromWhere.replace(/^SELECT /, `SELECT CAST(${key} AS text) AS group_key, `)}\nGROUP BY 1\nORDER BY 1`;
}

/**
 * GitLab's `histogram` helper: rows per value of the column counted in a CTE, then the number of
 * values per WIDTH_BUCKET of that count, with `bucket_size - 1` segments between lower and upper
 * (below lower → bucket 0, at or above upper → segments + 1). A batch range never holds NULL, so
 * batched, the NULL group is added apart (`histogram-null-group.ts`); unbatched, it is a group.
 */
function histogramSql(query: DatabaseQuery, fromWhere: string, params: SqlParams): string {
  const histogram = query.histogram!;
  const column = quoteColumn(query.column);
  // Casts pick one width_bucket overload: untyped parameters would make the call ambiguous.
  const lower = `CAST(${params.add(histogram.lower)} AS numeric)`;
  const upper = `CAST(${params.add(histogram.upper)} AS numeric)`;
  const segments = `CAST(${params.add(histogram.bucketCount - 1)} AS integer)`;
  return [
    'WITH count_cte AS MATERIALIZED (',
    `SELECT COUNT(*) AS count_grouped\n${fromWhere}\nGROUP BY ${column}`,
    ')',
    `SELECT WIDTH_BUCKET(count_grouped, ${lower}, ${upper}, ${segments}) AS bucket, COUNT(*) AS value`,
    'FROM count_cte',
    'GROUP BY 1',
    'ORDER BY 1',
  ].join('\n');
}

/** Configurations GitLab's counters refuse, refused before any SQL exists. */
function assertCountable(query: DatabaseQuery): void {
  const scope = tablesInScope(query);
  scopedColumn(query.column, scope);
  scopedColumn(batchColumn(query), scope);
  if (query.groupBy) {
    scopedColumn(query.groupBy, scope);
    if (!GROUPABLE.has(query.operation)) {
      throw new CounterConfigError(`operation ${query.operation} cannot be grouped`);
    }
  }
  const { operation, column } = query;
  if (operation === 'distinct_count' && column.table === query.table && column.column === query.primaryKey) {
    // batch_counter.rb: "Use distinct count only with non id fields".
    throw new CounterConfigError('distinct_count of the primary key is a plain count; use count');
  }
  if (operation === 'histogram') assertHistogram(query);
  else if (query.histogram)
    throw new CounterConfigError(`histogram options given for operation ${operation}`);
}

function assertHistogram(query: DatabaseQuery): void {
  const histogram = query.histogram;
  if (!histogram) throw new CounterConfigError('histogram needs buckets and bucket_size');
  const { lower, upper, bucketCount } = histogram;
  // Messages as GitLab's histogram helper words them.
  if (!Number.isFinite(lower) || !Number.isFinite(upper))
    throw new CounterConfigError('histogram bounds must be numbers');
  if (lower === upper) throw new CounterConfigError('Lower bucket bound cannot equal to upper bucket bound');
  if (!Number.isInteger(bucketCount) || bucketCount < 2) {
    throw new CounterConfigError(`Bucket size ${bucketCount} is invalid: needs at least 2 (one segment)`);
  }
  if (bucketCount > MAX_HISTOGRAM_BUCKETS) {
    throw new CounterConfigError(`Bucket size ${bucketCount} exceeds the limit of ${MAX_HISTOGRAM_BUCKETS}`);
  }
}
