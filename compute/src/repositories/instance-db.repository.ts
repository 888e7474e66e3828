import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import { createPgPool } from '@servping/runtime';
import {
  integerFromSql,
  isTransientDatabaseError,
  QueryTimeoutError,
  columnTypeQuery,
  leadingIndexQuery,
  type ColumnRef,
  type ResultRow,
  type SqlStatement,
  type SqlValue,
} from '@servping/shared';
import type { ColumnBounds, InstanceDbPort } from '../ports/instance-db.port';

/** SQLSTATE `query_canceled`: statement_timeout and pg_cancel_backend both raise it. */
const QUERY_CANCELED = '57014';

/**
 * Pauses before each retry of a statement that met a transient fault (`classifyDatabaseError`):
 * about 7 s in all, which covers a terminated backend, a pooler restart or a quick failover
 * without losing the metric's progress. A longer outage fails the job, and BullMQ's attempts
 * wait longer still.
 */
export const DEFAULT_TRANSIENT_RETRY_DELAYS_MS: readonly number[] = [250, 1_000, 2_000, 4_000];

export interface InstanceDbOptions {
  connectionString: string;
  applicationName?: string;
  /** Per-statement limit on every counting session (default 15 000 ms). */
  statementTimeoutMs?: number;
  /** Connections of the counting pool (default 10). */
  max?: number;
  /** Pauses before retrying a statement after a transient fault (default DEFAULT_TRANSIENT_RETRY_DELAYS_MS). */
  transientRetryDelaysMs?: readonly number[];
}

/**
 * The instance database as the counting engine sees it: read-only sessions with a statement
 * timeout, one short transaction per batch (GitLab refuses to batch-count inside a long
 * transaction, and a transaction across batches would pin a snapshot for the whole metric), and
 * real cancellation: aborting the signal runs `pg_cancel_backend` on the statement's backend from
 * a separate one-connection pool, so a metric deadline stops PostgreSQL work even when every
 * counting connection is busy. A statement that meets a transient fault (a lost connection, a
 * restarting server) is run again on a fresh connection after a pause; when the pauses run out
 * the error is thrown as it came, for the job to fail and be retried.
 */
export class InstanceDbRepository implements InstanceDbPort {
  private readonly backendPids = new WeakMap<PoolClient, number>();

  constructor(
    private readonly pool: Pool,
    private readonly cancelPool: Pool,
    private readonly transientRetryDelaysMs: readonly number[] = DEFAULT_TRANSIENT_RETRY_DELAYS_MS,
  ) {}

  /** Creates both pools; sessions are read-only (`default_transaction_read_only`) with the statement timeout. */
  static connect(options: InstanceDbOptions): InstanceDbRepository {
    const applicationName = options.applicationName ?? 'servping-worker';
    const pool = createPgPool({
      connectionString: options.connectionString,
      applicationName,
      readOnly: true,
      statementTimeoutMs: options.statementTimeoutMs ?? 15_000,
      max: options.max,
    });
    const cancelPool = createPgPool({
      connectionString: options.connectionString,
      applicationName: `${applicationName}-cancel`,
      readOnly: true,
      statementTimeoutMs: 5_000,
      max: 1,
    });
    return new InstanceDbRepository(pool, cancelPool, options.transientRetryDelaysMs);
  }

  /**
   * Runs one statement and returns its rows. Throws QueryTimeoutError when PostgreSQL cancelled
   * it (statement_timeout, or `signal` aborted mid-statement) or when `signal` is already
   * aborted; a transient fault is retried (see the class), any other database error is rethrown
   * as it came.
   */
  runBatch(sql: string, params: readonly SqlValue[], signal?: AbortSignal): Promise<ResultRow[]> {
    return this.retryingTransient(() => this.runBatchOnce(sql, params, signal), signal);
  }

  /** One round trip without retries: the readiness check reports an outage as it is. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  private async runBatchOnce(
    sql: string,
    params: readonly SqlValue[],
    signal: AbortSignal | undefined,
  ): Promise<ResultRow[]> {
    if (signal?.aborted) throw new QueryTimeoutError('metric deadline reached before the statement started');
    const client = await this.pool.connect();
    let cancelling: Promise<unknown> | undefined;
    let broken: Error | undefined;
    try {
      const pid = await this.backendPid(client);
      const onAbort = () => {
        cancelling = this.cancelPool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // An abort while the connection was being acquired found no listener yet.
      if (signal?.aborted)
        throw new QueryTimeoutError('metric deadline reached before the statement started');
      // Each batch runs in its own read-only transaction that is always rolled back: a
      // set_config() in a definition's where_sql (default_transaction_read_only, statement_timeout)
      // is undone with it instead of staying on the pooled session for later statements.
      await client.query('BEGIN TRANSACTION READ ONLY');
      try {
        const result = await client.query<ResultRow>({ text: sql, values: params as unknown[] });
        return result.rows;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        await cancelling;
        await client.query('ROLLBACK').catch((err: Error) => (broken = err));
      }
    } catch (error) {
      throw mapCancel(error, signal);
    } finally {
      // A cancel that lost the race with the statement's end must land before the connection
      // serves another statement, or it could cancel someone else's query.
      await cancelling;
      // A connection whose ROLLBACK failed is in an unknown state: destroy it.
      client.release(broken);
    }
  }

  /** `data_type` from information_schema for a column on the search path, or null when absent. */
  async columnType(table: string, column: string): Promise<string | null> {
    const statement = columnTypeQuery({ table, column });
    const result = await this.retryingTransient(() =>
      this.pool.query<{ data_type: string }>(statement.text, statement.params),
    );
    return result.rows[0]?.data_type ?? null;
  }

  /** Whether a valid index of the column's table starts with it (`leadingIndexQuery`). */
  async hasLeadingIndex(column: ColumnRef): Promise<boolean> {
    const statement = leadingIndexQuery(column);
    const result = await this.retryingTransient(() =>
      this.pool.query<{ indexed: boolean }>(statement.text, statement.params),
    );
    return result.rows[0]?.indexed === true;
  }

  /**
   * Runs a `boundsQuery` or `windowBoundsQuery` statement: null when the table is empty,
   * `not_integer` when the bounds are not integers (batches are integer ranges), else the bounds.
   */
  async bounds(statement: SqlStatement, signal?: AbortSignal): Promise<ColumnBounds | 'not_integer' | null> {
    const [row] = await this.runBatch(statement.text, statement.params, signal);
    if (!row || row.min === null || row.max === null) return null;
    const [min, max] = [integerFromSql(row.min), integerFromSql(row.max)];
    return min === null || max === null ? 'not_integer' : { min, max };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.cancelPool.end()]);
  }

  /**
   * `run`, run again after each pause of `transientRetryDelaysMs` while it fails with a transient
   * fault. A connection that failed was released as broken, so the next run gets a fresh one.
   * An abort of `signal` during a pause ends the wait with the fault itself: the job is being
   * cancelled or is out of time, and either way the fault, not a timeout, is what happened.
   */
  private async retryingTransient<T>(run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await run();
      } catch (error) {
        const delayMs = this.transientRetryDelaysMs[retry];
        if (delayMs === undefined || !isTransientDatabaseError(error)) throw error;
        await sleep(delayMs, undefined, { signal }).catch(() => {
          throw error;
        });
      }
    }
  }

  private async backendPid(client: PoolClient): Promise<number> {
    const known = this.backendPids.get(client);
    if (known !== undefined) return known;
    const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = result.rows[0]!.pid;
    this.backendPids.set(client, pid);
    return pid;
  }
}

function mapCancel(error: unknown, signal: AbortSignal | undefined): unknown {
  if ((error as { code?: unknown } | null)?.code !== QUERY_CANCELED) return error;
  const message = (error as Error).message;
  return new QueryTimeoutError(
    signal?.aborted
      ? `statement cancelled at the metric deadline: ${message}`
      : `statement timeout: ${message}`,
  );
}
