import type { Pool } from 'pg';
import { readDatabaseFacts } from '@servping/runtime';
import {
  batchColumn,
  boundsQuery,
  columnTypeQuery,
  integerFromSql,
  quantilesQuery,
  leadingIndexQuery,
  type ColumnRef,
  type DatabaseQuery,
  type InstanceFacts,
  type SqlStatement,
} from '@servping/shared';

/** Reads, from the instance database, what the planner needs: table sizes, batch bounds, database facts. */
export class InstanceStatsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * The planner's row estimate (`pg_class.reltuples`): free to read, unlike COUNT(*). Null when the
   * table does not exist or was never analyzed (PostgreSQL 14+ reports -1 then).
   */
  async estimatedRows(table: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ reltuples: number }>(
      'SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)',
      [`"${table.replace(/"/g, '""')}"`],
    );
    const reltuples = rows[0]?.reltuples;
    return reltuples === undefined || reltuples < 0 ? null : Math.round(reltuples);
  }

  /** The column's `information_schema` data_type, or null when it does not exist. */
  async columnType(column: ColumnRef): Promise<string | null> {
    const statement = columnTypeQuery(column);
    const { rows } = await this.pool.query<{ data_type: string }>(statement.text, statement.params);
    return rows[0]?.data_type ?? null;
  }

  /** Whether a valid index of the column's table starts with it. */
  async hasLeadingIndex(column: ColumnRef): Promise<boolean> {
    const statement = leadingIndexQuery(column);
    const { rows } = await this.pool.query<{ indexed: boolean }>(statement.text, statement.params);
    return rows[0]?.indexed === true;
  }

  /**
   * Inclusive MIN/MAX of the query's batch column (`boundsQuery`, or a `windowBoundsQuery` given
   * as `statement`); null for an empty table or window or a non-integer column.
   */
  async batchBounds(
    query: DatabaseQuery,
    statement: SqlStatement = boundsQuery(query),
  ): Promise<{ min: bigint; max: bigint } | null> {
    const { rows } = await this.pool.query<{ min: unknown; max: unknown }>(statement.text, statement.params);
    const [min, max] = [integerFromSql(rows[0]?.min), integerFromSql(rows[0]?.max)];
    return min === null || max === null ? null : { min, max };
  }

  /**
   * The batch column's `pg_stats.histogram_bounds` (ANALYZE's equal-row quantiles) as integers,
   * ascending; null when the column has none (never analyzed, or not an integer column).
   */
  async batchQuantiles(query: DatabaseQuery): Promise<bigint[] | null> {
    const statement = quantilesQuery(batchColumn(query));
    const { rows } = await this.pool.query<{ bounds: string | null }>(statement.text, statement.params);
    const text = rows[0]?.bounds;
    if (!text || !/^\{-?\d+(,-?\d+)*\}$/.test(text)) return null;
    return text.slice(1, -1).split(',').map(BigInt);
  }

  /** GitLab's `database.*` facts (version, pg_system_id, flavor), read once per run. */
  databaseFacts(): Promise<InstanceFacts['database']> {
    return readDatabaseFacts(this.pool);
  }
}
