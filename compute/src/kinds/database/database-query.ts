/**
 * Resolves the declarative `options` of a database metric into a `DatabaseQuery`: every
 * `table.column` becomes a `ColumnRef` whose table is the main table or a joined one, defaults are
 * filled in, and the rules the schema cannot express are checked (ordered histogram bounds,
 * operator/value agreement, no comment or statement separators in `where_sql`, …).
 */
import type {
  ColumnRef,
  DatabaseOperation,
  DatabaseQuery,
  FilterOperator,
  FilterValue,
  QueryFilter,
  QueryJoin,
  SchemaIssue,
} from '@servping/shared';
import type { DatabaseOptionsYaml } from './options';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const FORBIDDEN_SQL = [';', '--', '/*'];
const OPERATIONS_WITH_OBJECT_VALUE: readonly DatabaseOperation[] = ['histogram'];
const GROUPABLE: readonly DatabaseOperation[] = ['count', 'distinct_count', 'sum', 'average'];

export type DatabaseQueryResult =
  { query: DatabaseQuery; issues: [] } | { query?: undefined; issues: SchemaIssue[] };

/**
 * @param options the `options` object, already shape-checked by the schema
 * @param valueType the definition's `value_type`, checked against the result shape
 */
export function resolveDatabaseQuery(options: DatabaseOptionsYaml, valueType: string): DatabaseQueryResult {
  const issues: SchemaIssue[] = [];
  const at = (suffix: string) => `/options${suffix}`;
  const problem = (suffix: string, message: string) => issues.push({ field: at(suffix), message });

  const operation = options.operation as DatabaseOperation;
  const table = options.table;
  const primaryKey = options.primary_key ?? 'id';
  checkIdentifier(table, '/table', problem);
  checkIdentifier(primaryKey, '/primary_key', problem);

  // Joins first: later references may name any joined table.
  const tables = [table];
  const joins: QueryJoin[] = [];
  (options.joins ?? []).forEach((join, i) => {
    const path = `/joins/${i}`;
    if (!checkIdentifier(join.table, `${path}/table`, problem)) return;
    if (tables.includes(join.table)) {
      problem(
        `${path}/table`,
        `table "${join.table}" is already part of the query (no aliases: join each table once)`,
      );
      return;
    }
    const left = resolveColumn(join.on[0], table, tables, `${path}/on/0`, problem);
    const right = resolveColumn(join.on[1], join.table, [join.table], `${path}/on/1`, problem);
    tables.push(join.table);
    if (left && right) joins.push({ table: join.table, left, rightColumn: right.column });
  });

  const column = options.column
    ? resolveColumn(options.column, table, tables, '/column', problem)
    : defaultColumn(operation, table, primaryKey, problem);
  const timestampColumn = resolveColumn(
    options.timestamp_column ?? 'created_at',
    table,
    tables,
    '/timestamp_column',
    problem,
  );
  const groupBy = options.group_by
    ? resolveColumn(options.group_by, table, tables, '/group_by', problem)
    : undefined;

  const filters: QueryFilter[] = [];
  (options.filters ?? []).forEach((filter, i) => {
    const path = `/filters/${i}`;
    const ref = resolveColumn(filter.column, table, tables, `${path}/column`, problem);
    const checked = checkFilterValue(filter.op as FilterOperator, filter.value, `${path}/value`, problem);
    if (ref && checked.ok) {
      filters.push({
        column: ref,
        op: filter.op as FilterOperator,
        ...(checked.value === undefined ? {} : { value: checked.value }),
      });
    }
  });

  if (options.where_sql !== undefined) {
    const found = FORBIDDEN_SQL.find((token) => options.where_sql?.includes(token));
    if (found) {
      problem(
        '/where_sql',
        `must not contain "${found}" (one condition, no statement separators or comments)`,
      );
    }
  }

  if (operation === 'distinct_count' && column && column.table === table && column.column === primaryKey) {
    problem(
      '/column',
      `distinct_count of the primary key "${primaryKey}" is a plain count: use distinct count only with non id fields`,
    );
  }

  let histogram: DatabaseQuery['histogram'];
  if (operation === 'histogram') {
    if (!options.histogram) {
      problem(
        '/histogram',
        'is required for operation histogram (buckets: [lower, upper], bucket_size: 1..100)',
      );
    } else {
      const [lower, upper] = options.histogram.buckets;
      if (lower >= upper) {
        problem('/histogram/buckets', `lower bound must be below the upper bound; got [${lower}, ${upper}]`);
      } else {
        histogram = { lower, upper, bucketCount: options.histogram.bucket_size };
      }
    }
  } else if (options.histogram) {
    problem('/histogram', `is only allowed with operation histogram; got operation ${operation}`);
  }

  if (groupBy && !GROUPABLE.includes(operation)) {
    problem('/group_by', `is not supported with operation ${operation} (only ${GROUPABLE.join(', ')})`);
  }

  if (options.start !== undefined && options.finish !== undefined && options.start > options.finish) {
    problem('/finish', `must not be below start (${options.start}); got ${options.finish}`);
  }

  const expectedValueType = OPERATIONS_WITH_OBJECT_VALUE.includes(operation) || groupBy ? 'object' : 'number';
  if (valueType !== expectedValueType) {
    issues.push({
      field: '/value_type',
      message: `must be ${expectedValueType} for a ${groupBy ? 'grouped ' : ''}${operation} database metric; got "${valueType}"`,
    });
  }

  if (issues.length > 0 || !column || !timestampColumn) return { issues };
  const query: DatabaseQuery = {
    operation,
    table,
    primaryKey,
    column,
    joins,
    filters,
    timestampColumn,
    ...(options.where_sql === undefined ? {} : { whereSql: options.where_sql }),
    ...(groupBy ? { groupBy } : {}),
    ...(options.batch_size === undefined ? {} : { batchSize: options.batch_size }),
    ...(options.start === undefined ? {} : { start: options.start }),
    ...(options.finish === undefined ? {} : { finish: options.finish }),
    ...(histogram ? { histogram } : {}),
  };
  return { query, issues: [] };
}

type Report = (suffix: string, message: string) => void;

function checkIdentifier(name: string, path: string, problem: Report): boolean {
  if (IDENTIFIER.test(name)) return true;
  problem(path, `must be a lower-case SQL identifier matching ${IDENTIFIER.source}; got "${name}"`);
  return false;
}

/** `column` (of `defaultTable`) or `table.column`, whose table must be one of `allowed`. */
function resolveColumn(
  text: string,
  defaultTable: string,
  allowed: readonly string[],
  path: string,
  problem: Report,
): ColumnRef | undefined {
  const parts = text.split('.');
  const [table, column] =
    parts.length === 2 ? [parts[0] as string, parts[1] as string] : [defaultTable, text];
  if (parts.length > 2 || !IDENTIFIER.test(table) || !IDENTIFIER.test(column)) {
    problem(path, `must be "column" or "table.column" with lower-case SQL identifiers; got "${text}"`);
    return undefined;
  }
  if (!allowed.includes(table)) {
    problem(
      path,
      `table "${table}" is neither the main table nor joined before this point (expected one of: ${allowed.join(', ')})`,
    );
    return undefined;
  }
  return { table, column };
}

function defaultColumn(
  operation: DatabaseOperation,
  table: string,
  primaryKey: string,
  problem: Report,
): ColumnRef | undefined {
  if (operation === 'count' || operation === 'estimate_distinct_count') return { table, column: primaryKey };
  problem(
    '/column',
    `is required for operation ${operation} (only count and estimate_distinct_count default to the primary key)`,
  );
  return undefined;
}

function checkFilterValue(
  op: FilterOperator,
  value: unknown,
  path: string,
  problem: Report,
): { ok: true; value: FilterValue | FilterValue[] | undefined } | { ok: false } {
  if (op === 'is_null' || op === 'is_not_null') {
    if (value !== undefined) {
      problem(path, `must be absent for op ${op}`);
      return { ok: false };
    }
    return { ok: true, value: undefined };
  }
  if (value === undefined || value === null) {
    problem(path, `is required for op ${op}`);
    return { ok: false };
  }
  const isList = Array.isArray(value);
  if ((op === 'in' || op === 'not_in') !== isList) {
    problem(path, isList ? `must be a single value for op ${op}; got a list` : `must be a list for op ${op}`);
    return { ok: false };
  }
  return { ok: true, value: value as FilterValue | FilterValue[] };
}
