import type { Logger } from 'pino';
import {
  batchColumn,
  boundsQuery,
  type ColumnRef,
  type DatabaseQuery,
  type SqlStatement,
} from '@servping/shared';
import type { InstanceStatsRepository } from '../repositories/instance-stats.repository';
import type { TableStats } from './shard-decision';

/**
 * What one run's planning reads about the instance database, each thing once: many metrics share
 * a table, a batch column or a window. Reads are keyed by what they read (the table, the column,
 * the statement itself), so two metrics can only share an answer to the same question. A read that
 * fails is logged and answers its fallback: the metric is then planned unsharded and its own job
 * reports the failure.
 */
export class RunStatistics {
  private readonly reads = new Map<string, Promise<unknown>>();

  constructor(
    private readonly stats: InstanceStatsRepository,
    private readonly logger: Logger,
  ) {}

  /** `pg_class.reltuples` of the table; null when unknown. */
  rows(table: string): Promise<number | null> {
    return this.once(`rows ${table}`, `size of ${table}`, () => this.stats.estimatedRows(table), null);
  }

  /** MIN/MAX of the batch column (`boundsQuery`), or of what `statement` selects (a window's bounds). */
  bounds(query: DatabaseQuery, statement: SqlStatement = boundsQuery(query)): Promise<TableStats['bounds']> {
    return this.once(
      `bounds ${statement.text} ${JSON.stringify(statement.params)}`,
      `bounds of ${query.table}`,
      () => this.stats.batchBounds(query, statement),
      null,
    );
  }

  /** Equal-row quantiles of the query's batch column (`batchQuantiles`); null when unknown. */
  quantiles(query: DatabaseQuery): Promise<bigint[] | null> {
    const column = batchColumn(query);
    const name = `${column.table}.${column.column}`;
    return this.once(
      `quantiles ${name}`,
      `quantiles of ${name}`,
      () => this.stats.batchQuantiles(query),
      null,
    );
  }

  /** Whether an index starts with the column; false when it cannot be read. */
  indexed(column: ColumnRef): Promise<boolean> {
    const name = `${column.table}.${column.column}`;
    return this.once(`index ${name}`, `index on ${name}`, () => this.stats.hasLeadingIndex(column), false);
  }

  /** The column's data type (null when absent); undefined when it cannot be read. */
  columnType(column: ColumnRef): Promise<string | null | undefined> {
    const name = `${column.table}.${column.column}`;
    return this.once<string | null | undefined>(
      `type ${name}`,
      `type of ${name}`,
      () => this.stats.columnType(column),
      undefined,
    );
  }

  private once<T>(key: string, what: string, read: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.reads.has(key)) {
      this.reads.set(
        key,
        read().catch((err: unknown) => {
          this.logger.warn({ err, what }, 'cannot read table statistics; not sharding');
          return fallback;
        }),
      );
    }
    return this.reads.get(key) as Promise<T>;
  }
}
