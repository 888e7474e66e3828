import {
  bindBatch,
  boundsQuery,
  buildBatchStatement,
  walkBatches,
  mergePartials,
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
  CounterConfigError,
  integerFromSql,
  sqlValueText,
  usesDistinctBits,
  windowBoundsQuery,
  withAverageStrategy,
  withDistinctStrategy,
  withNextKey,
  rowBudgetEndQuery,
  batchColumn,
  batchesOverPrimaryKey,
  DEFAULT_MAX_BATCH_GROWTH,
  type BatchOutcome,
  type BatchLoopOptions,
  type DatabaseQuery,
  type DatabaseWindow,
  type HllHashing,
  type HllMode,
  type MetricValue,
  type PartialResult,
  type SerializedSketch,
  type ShardRange,
  type TimeFrame,
} from '@servping/shared';
import type { InstanceDbPort } from '../../ports/instance-db.port';

export interface DatabaseMetricInput {
  query: DatabaseQuery;
  timeFrame: TimeFrame;
  /** The run's fixed clock; the 7d/28d windows derive from it. */
  recordedAt: Date;
  db: InstanceDbPort;
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

/** A database metric's partial, and the batch size its walk kept if shrinking stopped. */
export interface DatabaseCount {
  partial: PartialResult;
  /** `BatchWalk.batchSizeKept`: reported in the timings metadata as `batch_size_kept`. */
  batchSizeKept?: number;
}

/**
 * The partial result of a database metric over `range` (one shard) or over the whole batch
 * column. Configuration problems throw CounterConfigError before any statement runs; a batch that
 * keeps timing out throws QueryTimeoutError; database errors pass through. The caller turns
 * errors into GitLab's fallbacks.
 */
export async function computeDatabaseMetric(input: DatabaseMetricInput): Promise<PartialResult> {
  return (await countDatabaseMetric(input)).partial;
}

/** `computeDatabaseMetric`, with what its batch walk reports (`DatabaseCount`). */
export async function countDatabaseMetric(input: DatabaseMetricInput): Promise<DatabaseCount> {
  const { partial, wholeTable, batchSizeKept } = await computeBatches(input);
  // A shard covers one range of values; the parent adds the NULL group once (withHistogramNullGroup).
  const complete = input.range || wholeTable ? partial : await withHistogramNullGroup(partial, input);
  return { partial: complete, ...(batchSizeKept === undefined ? {} : { batchSizeKept }) };
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
  const { partial: rows } = await computeBatches({ ...input, query: nullQuery });
  if (rows.kind !== 'number') {
    throw new ServpingError(
      'SERVPING_AGGREGATION',
      `the NULL group count of ${input.query.table} gave a ${rows.kind}`,
    );
  }
  return withNullGroup(partial, Number(rows.value), input.query.histogram);
}

/** A partial, and whether it already holds a histogram's NULL group (a whole-table statement). */
interface Counted extends DatabaseCount {
  wholeTable: boolean;
}

async function computeBatches(input: DatabaseMetricInput): Promise<Counted> {
  const { db, signal } = input;
  const mode = input.hllMode ?? 'servping';
  const window = databaseWindow(input.recordedAt, input.timeFrame);
  // Rendering validates identifiers, scope, filters and where_sql: nothing reaches the database
  // (not even a column-type lookup) for a query that would be refused.
  renderUnbatchedQuery(input.query, window);
  // A range was planned over batchColumn(query) as it was: an unresolved distinct count's or
  // average's range is one of its own values, so it stays on value ranges.
  const query = input.range
    ? withAverageStrategy(
        withDistinctStrategy(input.query, { columnType: null, indexed: false, windowed: false }),
        'gitlab',
      )
    : withAverageStrategy(
        await resolveDistinctStrategy(input.query, db, { windowed: window !== null, hllMode: mode }),
        mode,
      );
  const hashing = await hllHashing(input.query, input.db, mode);
  const unique = batchesOverPrimaryKey(query);
  // GitLab's algorithm probes nothing; servping probes the batch column's index when it has one.
  const indexed = mode === 'servping' && (unique || (await db.hasLeadingIndex(batchColumn(query))));
  const range = input.range
    ? { start: BigInt(input.range.start), finish: BigInt(input.range.finish) }
    : await databaseRange(query, db, { window, signal });
  // Value ranges of an unindexed column would scan the whole table once per batch, and a
  // non-integer column has no integer ranges at all: one statement over the table (GitLab's own
  // histogram statement) answers exactly, bounded by statement_timeout like any batch.
  const bounded = query.start !== undefined || query.finish !== undefined;
  if (mode === 'servping' && !input.range && !bounded && (range === 'not_integer' || (!unique && !indexed))) {
    const whole = buildBatchStatement(query, window, hashing, { whole: true });
    const rows = await db.runBatch(whole.text, whole.params, signal);
    return { partial: partialFromRows(query, rows, hashing?.mode), wholeTable: true };
  }
  if (range === 'not_integer') {
    throw new CounterConfigError(
      `the batch column ${batchColumn(query).table}.${batchColumn(query).column} holds non-integer values; batches need an integer column`,
    );
  }
  const batch = buildBatchStatement(query, window, hashing);
  const statement = indexed ? withNextKey(query, batch) : batch;
  const runBatch = async (start: bigint, end: bigint): Promise<BatchOutcome> => {
    const rows = await db.runBatch(statement.text, bindBatch(statement, start, end), signal);
    if (!indexed) return { partial: partialFromRows(query, rows, hashing?.mode) };
    const inBatch = rows.filter((row) => row.in_batch !== null && row.in_batch !== undefined);
    return {
      partial: partialFromRows(query, inBatch, hashing?.mode),
      nextKey: batchKey(rows[0]?.next_key ?? null),
    };
  };
  const batchSize = query.batchSize ?? startingBatchSize(query, mode);
  const walk = await walkBatches(
    {
      // A bitmap distinct count walks the primary key as a count does, with a count's limits.
      operation: usesDistinctBits(query) ? 'count' : query.operation,
      start: range.start,
      finish: range.finish,
      batchSize,
    },
    runBatch,
    mergePartials,
    {
      signal,
      sleepMs: input.sleepMs,
      guards: mode,
      ...(input.targetStatementMs === undefined
        ? {}
        : { adaptive: { targetMs: input.targetStatementMs, now: () => performance.now() } }),
      ...(indexed && unique ? { rowBudget: rowBudget(query, db, batchSize, signal) } : {}),
    },
  );
  const { partial, batchSizeKept } = walk;
  return { partial, wholeTable: false, ...(batchSizeKept === undefined ? {} : { batchSizeKept }) };
}

/**
 * The row budget of a primary-key batch: as many rows as adaptive sizing would let a batch of a
 * dense key read (`DEFAULT_MAX_BATCH_GROWTH` × the starting size), found by an index walk.
 */
export function rowBudget(
  query: DatabaseQuery,
  db: InstanceDbPort,
  startingSize: number,
  signal: AbortSignal | undefined,
): NonNullable<BatchLoopOptions['rowBudget']> {
  const statement = rowBudgetEndQuery(query);
  return {
    rows: startingSize * DEFAULT_MAX_BATCH_GROWTH,
    endAfter: async (start, rows, finish) => {
      const params = [start.toString(), (finish - 1n).toString(), rows];
      const [row] = await db.runBatch(statement.text, params, signal);
      return row ? batchKey(row.key) : null;
    },
  };
}

/** A batch-column value as pg returns it as a bigint; null (no such key) stays null. */
export function batchKey(raw: unknown): bigint | null {
  if (raw === null || raw === undefined) return null;
  const key = integerFromSql(raw);
  if (key === null) throw new CounterConfigError(`batch column value ${sqlValueText(raw)} is not an integer`);
  return key;
}

/**
 * The query with its distinct_count strategy resolved (`withDistinctStrategy`) unless the planner
 * already did, which it must for a sharded metric: its shards are ranges of the batch column the
 * strategy picks.
 */
export async function resolveDistinctStrategy(
  query: DatabaseQuery,
  db: InstanceDbPort,
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
): Promise<{ value: MetricValue; sketch?: SerializedSketch; batchSizeKept?: number }> {
  const { partial, batchSizeKept } = await countDatabaseMetric(input);
  return {
    value: finalValue(partial),
    ...(partial.kind === 'sketch' ? { sketch: serializeSketch(partial.registers) } : {}),
    ...(batchSizeKept === undefined ? {} : { batchSizeKept }),
  };
}

/** A half-open range `[start, finish)` of the batch column. */
export interface KeyRange {
  start: bigint;
  finish: bigint;
}

/**
 * GitLab's range: `[start ?? MIN ?? 0, (finish ?? MAX ?? 0) + 1)` — the definition's finish is
 * inclusive, and an empty table (or window) still runs one batch over [0, 1) and counts 0. MIN
 * and MAX are those of the rows in the 7d/28d `window` when an index on its timestamp column
 * finds them cheaply (`narrowingTimestamp`), of the whole column otherwise. The planner splits
 * this range into shards the same way. `not_integer` when the column's bounds are not integers.
 */
export async function databaseRange(
  query: DatabaseQuery,
  db: InstanceDbPort,
  options: { window?: DatabaseWindow | null; signal?: AbortSignal } = {},
): Promise<KeyRange | 'not_integer'> {
  const { window = null, signal } = options;
  const needBounds = query.start === undefined || query.finish === undefined;
  const timestamp = narrowingTimestamp(query, window);
  const narrow = window !== null && timestamp !== null && (await db.hasLeadingIndex(timestamp));
  const statement = narrow ? windowBoundsQuery(query, window) : boundsQuery(query);
  const bounds = needBounds ? await db.bounds(statement, signal) : null;
  if (bounds === 'not_integer') return bounds;
  const explicit = (value: number | undefined) => (value === undefined ? undefined : BigInt(value));
  return {
    start: explicit(query.start) ?? bounds?.min ?? 0n,
    finish: (explicit(query.finish) ?? bounds?.max ?? 0n) + 1n,
  };
}

/** How an estimate hashes its column (undefined for other operations). */
export async function hllHashing(
  query: DatabaseQuery,
  db: InstanceDbPort,
  mode: HllMode,
): Promise<HllHashing | undefined> {
  if (query.operation !== 'estimate_distinct_count') return undefined;
  // GitLab's md5 shape hashes the text form whatever the type; only servping picks by type.
  if (mode === 'gitlab') return { mode, valueType: 'other' };
  return { mode, valueType: hashableType(await db.columnType(query.column.table, query.column.column)) };
}
