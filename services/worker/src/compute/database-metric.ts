import {
  bindBatch,
  boundsQuery,
  buildBatchStatement,
  countInBatches,
  databaseWindow,
  finalValue,
  nullGroupCountQuery,
  startingBatchSize,
  withNullGroup,
  hashableType,
  narrowingTimestamp,
  partialFromRows,
  renderUnbatchedQuery,
  serializeSketch,
  ServpingError,
  usesDistinctBits,
  windowBoundsQuery,
  withDistinctStrategy,
  type ColumnRef,
  type DatabaseQuery,
  type DatabaseWindow,
  type HllHashing,
  type HllMode,
  type MetricValue,
  type PartialResult,
  type ResultRow,
  type SerializedSketch,
  type ShardRange,
  type SqlStatement,
  type SqlValue,
  type TimeFrame,
} from '@servping/shared';
import type { ColumnBounds } from '../repositories/instance-db.repository';

/** The instance database port of the counting engine (implemented by InstanceDbRepository). */
export interface InstanceDb {
  runBatch(sql: string, params: readonly SqlValue[], signal?: AbortSignal): Promise<ResultRow[]>;
  columnType(table: string, column: string): Promise<string | null>;
  /** Whether a valid index starts with `column` (runs `leadingIndexQuery`). */
  hasLeadingIndex(column: ColumnRef): Promise<boolean>;
  bounds(statement: SqlStatement, signal?: AbortSignal): Promise<ColumnBounds | null>;
}

export interface DatabaseMetricInput {
  query: DatabaseQuery;
  timeFrame: TimeFrame;
  /** The run's fixed clock; the 7d/28d windows derive from it. */
  recordedAt: Date;
  db: InstanceDb;
  /** One shard's half-open range of the batch column; absent = the whole column range. */
  range?: ShardRange;
  /** The metric deadline: stops the loop and cancels the running statement. */
  signal?: AbortSignal;
  /** Sketch family of estimates (default servping). */
  hllMode?: HllMode;
  /** Pause between batches (default 0, see BatchLoopOptions.sleepMs). */
  sleepMs?: number;
  /**
   * Statement time, in ms, that batch sizes adapt to (servping; see AdaptiveBatching). Absent:
   * GitLab's fixed batch sizes, as the bench's gitlab mode runs them.
   */
  targetStatementMs?: number;
}

/**
 * The partial result of a database metric over `range` (one shard) or over the whole batch
 * column. Configuration problems throw CounterConfigError before any statement runs; a batch that
 * keeps timing out throws QueryTimeoutError; database errors pass through. The caller turns
 * errors into GitLab's fallbacks.
 */
export async function computeDatabaseMetric(input: DatabaseMetricInput): Promise<PartialResult> {
  const partial = await computeBatches(input);
  // A shard covers one range of values; the parent adds the NULL group once (withHistogramNullGroup).
  return input.range ? partial : withHistogramNullGroup(partial, input);
}

/**
 * A histogram's partial with GitLab's NULL group added (`nullGroupCountQuery`): the rows with the
 * column NULL counted over the primary key, bucketed as one more value. Other partials unchanged.
 */
export async function withHistogramNullGroup(
  partial: PartialResult,
  input: Omit<DatabaseMetricInput, 'range'>,
): Promise<PartialResult> {
  const nullQuery = nullGroupCountQuery(input.query);
  if (!nullQuery || partial.kind !== 'histogram' || !input.query.histogram) return partial;
  const rows = await computeBatches({ ...input, query: nullQuery });
  if (rows.kind !== 'number') {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `the NULL group count of ${input.query.table} gave a ${rows.kind}`,
    );
  }
  return withNullGroup(partial, rows.value, input.query.histogram);
}

async function computeBatches(input: DatabaseMetricInput): Promise<PartialResult> {
  const { db, signal } = input;
  const window = databaseWindow(input.recordedAt, input.timeFrame);
  // Rendering validates identifiers, scope, filters and where_sql: nothing reaches the database
  // (not even a column-type lookup) for a query that would be refused.
  renderUnbatchedQuery(input.query, window);
  // A range was planned over batchColumn(query) as it was: an unresolved distinct count's range
  // is one of its own values, so it stays on value ranges.
  const query = input.range
    ? withDistinctStrategy(input.query, { columnType: null, indexed: false, windowed: false })
    : await resolveDistinctStrategy(input.query, db, { windowed: window !== null, hllMode: input.hllMode });
  const hashing = await hllHashing(input);
  const statement = buildBatchStatement(query, window, hashing);
  const range = input.range ?? (await databaseRange(query, db, { window, signal }));
  return countInBatches(
    {
      // A bitmap distinct count walks the primary key as a count does, with a count's limits.
      operation: usesDistinctBits(query) ? 'count' : query.operation,
      start: range.start,
      finish: range.finish,
      batchSize: query.batchSize ?? startingBatchSize(query, input.hllMode),
    },
    async (start, end) =>
      partialFromRows(
        query,
        await db.runBatch(statement.text, bindBatch(statement, start, end), signal),
        hashing?.mode,
      ),
    {
      signal,
      sleepMs: input.sleepMs,
      ...(input.targetStatementMs === undefined
        ? {}
        : { adaptive: { targetMs: input.targetStatementMs, now: () => performance.now() } }),
    },
  );
}

/**
 * The query with its distinct_count strategy resolved (`withDistinctStrategy`) unless the planner
 * already did, which it must for a sharded metric: its shards are ranges of the batch column the
 * strategy picks.
 */
export async function resolveDistinctStrategy(
  query: DatabaseQuery,
  db: InstanceDb,
  options: { windowed: boolean; hllMode?: HllMode },
): Promise<DatabaseQuery> {
  if (query.operation !== 'distinct_count' || query.distinctBy !== undefined) return query;
  const [columnType, indexed] = await Promise.all([
    db.columnType(query.column.table, query.column.column),
    db.hasLeadingIndex(query.column),
  ]);
  return withDistinctStrategy(query, { columnType, indexed, windowed: options.windowed }, options.hllMode);
}

/**
 * The payload value of a database metric over its whole range, plus the serialized sketch of a
 * servping-mode estimate (so aggregated metrics can merge it).
 */
export async function computeDatabaseValue(
  input: Omit<DatabaseMetricInput, 'range'>,
): Promise<{ value: MetricValue; sketch?: SerializedSketch }> {
  const partial = await computeDatabaseMetric(input);
  const value = finalValue(partial);
  return partial.kind === 'sketch' ? { value, sketch: serializeSketch(partial.registers) } : { value };
}

/**
 * GitLab's range: `[start ?? MIN ?? 0, (finish ?? MAX ?? 0) + 1)` — the definition's finish is
 * inclusive, and an empty table (or window) still runs one batch over [0, 1) and counts 0. MIN
 * and MAX are those of the rows in the 7d/28d `window` when an index on its timestamp column
 * finds them cheaply (`narrowingTimestamp`), of the whole column otherwise. The planner splits
 * this range into shards the same way.
 */
export async function databaseRange(
  query: DatabaseQuery,
  db: InstanceDb,
  options: { window?: DatabaseWindow | null; signal?: AbortSignal } = {},
): Promise<ShardRange> {
  const { window = null, signal } = options;
  const needBounds = query.start === undefined || query.finish === undefined;
  const timestamp = narrowingTimestamp(query, window);
  const narrow = window !== null && timestamp !== null && (await db.hasLeadingIndex(timestamp));
  const statement = narrow ? windowBoundsQuery(query, window) : boundsQuery(query);
  const bounds = needBounds ? await db.bounds(statement, signal) : null;
  return { start: query.start ?? bounds?.min ?? 0, finish: (query.finish ?? bounds?.max ?? 0) + 1 };
}

async function hllHashing(input: DatabaseMetricInput): Promise<HllHashing | undefined> {
  const { query } = input;
  if (query.operation !== 'estimate_distinct_count') return undefined;
  const mode = input.hllMode ?? 'servping';
  // GitLab's md5 shape hashes the text form whatever the type; only servping picks by type.
  if (mode === 'gitlab') return { mode, valueType: 'other' };
  return {
    mode,
    valueType: hashableType(await input.db.columnType(query.column.table, query.column.column)),
  };
}
