import type { DataSource, DatabaseQuery, MetricSpec } from '../../src/definitions/types';
import type { PlannedMetric } from '../../src/pipeline/jobs';

/**
 * What a database definition with only `table` set resolves to: a count by the primary key `id`,
 * no joins or filters, windowed on the table's `created_at`. `overrides` replace fields.
 */
export function countQuery(table: string, overrides: Partial<DatabaseQuery> = {}): DatabaseQuery {
  return {
    operation: 'count',
    table,
    primaryKey: 'id',
    column: { table, column: 'id' },
    joins: [],
    filters: [],
    timestampColumn: { table, column: 'created_at' },
    ...overrides,
  };
}

/** The `data_source` a definition of each spec kind declares. */
const DATA_SOURCE_OF: Record<MetricSpec['kind'], DataSource> = {
  database: 'database',
  redis_counter: 'redis',
  redis_hll: 'redis_hll',
  aggregated: 'internal_events',
  internal_events: 'internal_events',
  add: 'database',
  system: 'system',
  setting: 'system',
  license: 'license',
  prometheus: 'prometheus',
  unsupported: 'database',
};

/** An active, all-time planned metric computing `spec`, with only what a test cares about set. */
export function plannedMetric(
  keyPath: string,
  spec: MetricSpec,
  overrides: Partial<PlannedMetric> = {},
): PlannedMetric {
  return {
    keyPath,
    file: `${keyPath}.yml`,
    description: keyPath,
    productGroup: 'analytics_instrumentation',
    valueType: 'number',
    status: 'active',
    timeFrame: 'all',
    dataSource: DATA_SOURCE_OF[spec.kind],
    dataCategory: 'optional',
    spec,
    ...overrides,
  };
}
