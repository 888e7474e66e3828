import type { ColumnRef, ResultRow, SqlStatement, SqlValue } from '@servping/shared';

/** Inclusive bounds of a batch column (integers of any size). */
export interface ColumnBounds {
  min: bigint;
  max: bigint;
}

/**
 * What the database counters need from the instance database, and nothing more: the worker and
 * the CLI hand in `InstanceDbRepository` (read-only sessions, statement timeout, cancellation on
 * `signal`, retries of transient faults); tests and the bench hand in wrappers of it.
 */
export interface InstanceDbPort {
  /** Runs one statement of a batch loop and returns its rows; aborting `signal` cancels it. */
  runBatch(sql: string, params: readonly SqlValue[], signal?: AbortSignal): Promise<ResultRow[]>;
  /** `data_type` of a column on the search path, or null when there is no such column. */
  columnType(table: string, column: string): Promise<string | null>;
  /** Whether a valid index starts with `column` (runs `leadingIndexQuery`). */
  hasLeadingIndex(column: ColumnRef): Promise<boolean>;
  /** null for no rows; `not_integer` when the bounds are not integers. */
  bounds(statement: SqlStatement, signal?: AbortSignal): Promise<ColumnBounds | 'not_integer' | null>;
}
