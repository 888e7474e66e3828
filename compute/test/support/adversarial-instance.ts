/**
 * An instance database that does not look like the demo's: primary keys with islands from 1 to
 * 2⁶³ − 1, random bigint ids over the whole int8 range, an int4 key ending at 2³¹ − 1, a batch
 * column not called `id`, empty and one-row tables, negative, zero, NULL and huge values, sums
 * past 2⁶³ and numeric sums with cents. Every definition here must come out exactly as plain SQL
 * (estimates within HLL error), with no GitLab refusal.
 */
import { definitionKinds } from '../../src/kinds/kinds';
import type { Client } from 'pg';
import {
  loadDictionaryOrThrow,
  readUnbatchedValue,
  renderUnbatchedQuery,
  databaseWindow,
  type DatabaseQuery,
  type MetricDefinition,
  type MetricValue,
} from '@servping/shared';

/** The run clock of every test on this instance; `islands` rows fall inside and outside its 28d window. */
export const RECORDED_AT = new Date('2026-11-30T12:00:00Z');

const TOP = '9223372036854775807';

/** Creates and fills the tables, then ANALYZE (the planner's shard quantiles come from pg_stats). */
export async function seedAdversarialInstance(client: Client): Promise<void> {
  const at = RECORDED_AT.toISOString();
  await client.query(`
CREATE TABLE islands (
  ref bigint PRIMARY KEY, value bigint, amount numeric(14, 2), author bigint, kind text,
  created_at timestamptz NOT NULL
);
CREATE INDEX islands_author ON islands (author);
INSERT INTO islands
SELECT ref,
  CASE WHEN n % 7 = 0 THEN NULL WHEN n % 11 = 0 THEN 4611686018427387904 WHEN n % 5 = 0 THEN -(n % 1000) ELSE n % 3 END,
  CASE WHEN n % 9 = 0 THEN NULL ELSE ((n % 2001) - 1000) / 100.0 END,
  CASE WHEN n % 13 = 0 THEN NULL WHEN n % 17 = 0 THEN 4611686018427387904 + n % 50
       WHEN n % 19 = 0 THEN -4611686018427387904 - n % 30 ELSE (n % 401) - 200 END,
  (ARRAY['open', 'closed', NULL])[n % 3 + 1],
  TIMESTAMPTZ '${at}' - (n % 90) * INTERVAL '1 day'
FROM (
  SELECT ref, row_number() OVER (ORDER BY ref) AS n FROM (
    SELECT generate_series(1, 2000)::bigint AS ref
    UNION ALL SELECT generate_series(4294967296, 4294969295)
    UNION ALL SELECT generate_series(4611686018427387904, 4611686018427388903)
    UNION ALL SELECT generate_series(${TOP} - 999, ${TOP})
  ) AS keys
) AS numbered;

CREATE TABLE sparse (id bigint PRIMARY KEY, author integer, created_at timestamptz NOT NULL);
INSERT INTO sparse
SELECT DISTINCT ON (h) h, g % 97 - 48, TIMESTAMPTZ '${at}' - g * INTERVAL '1 hour'
FROM (SELECT g, hashtextextended(g::text, 42) AS h FROM generate_series(1, 3000) AS g) AS hashed;

CREATE TABLE int4_edge (id integer PRIMARY KEY, weight integer, created_at timestamptz NOT NULL);
INSERT INTO int4_edge
SELECT 2147483647 - g, CASE WHEN g % 4 = 0 THEN NULL ELSE (g % 9) - 4 END, TIMESTAMPTZ '${at}'
FROM generate_series(0, 1999) AS g;

CREATE TABLE empty_table (id bigint PRIMARY KEY, weight integer, created_at timestamptz NOT NULL);
CREATE TABLE one_row (id bigint PRIMARY KEY, weight integer, created_at timestamptz NOT NULL);
INSERT INTO one_row VALUES (${TOP}, -7, TIMESTAMPTZ '${at}' - INTERVAL '100 days');
ANALYZE;
`);
}

const HEADER = `product_group: analytics_instrumentation
milestone: "17.0"
introduced_by_url: https://example.test/mr/12
data_category: optional
tiers: [free]
status: active
data_source: database
`;

/** `[key path, time frame, options]` of every database metric on the instance. */
const METRICS: Array<[string, 'all' | '28d' | '7d', string]> = [
  ['islands.count', 'all', '{ operation: count, table: islands, primary_key: ref, batch_size: 500 }'],
  [
    'islands.count_open',
    'all',
    '{ operation: count, table: islands, primary_key: ref, filters: [{ column: kind, op: eq, value: open }] }',
  ],
  ['islands.count_28d', '28d', '{ operation: count, table: islands, primary_key: ref }'],
  [
    'islands.count_second_island',
    'all',
    '{ operation: count, table: islands, primary_key: ref, start: 4294967296, finish: 4294968295 }',
  ],
  ['islands.value_sum', 'all', '{ operation: sum, table: islands, primary_key: ref, column: value }'],
  // The same sum directly under `counts`, where Versions' schema looks at each value's type.
  ['counts.islands_value_sum', 'all', '{ operation: sum, table: islands, primary_key: ref, column: value }'],
  ['islands.amount_sum', 'all', '{ operation: sum, table: islands, primary_key: ref, column: amount }'],
  ['islands.value_average', 'all', '{ operation: average, table: islands, primary_key: ref, column: value }'],
  [
    'islands.amount_average_28d',
    '28d',
    '{ operation: average, table: islands, primary_key: ref, column: amount }',
  ],
  [
    'islands.authors',
    'all',
    '{ operation: distinct_count, table: islands, primary_key: ref, column: author }',
  ],
  [
    'islands.open_authors',
    'all',
    '{ operation: distinct_count, table: islands, primary_key: ref, column: author, filters: [{ column: kind, op: eq, value: open }] }',
  ],
  [
    'islands.authors_by_kind',
    'all',
    '{ operation: distinct_count, table: islands, primary_key: ref, column: author, group_by: kind }',
  ],
  [
    'islands.authors_estimated',
    'all',
    '{ operation: estimate_distinct_count, table: islands, primary_key: ref, column: author }',
  ],
  [
    'islands.rows_per_author',
    'all',
    '{ operation: histogram, table: islands, primary_key: ref, column: author, histogram: { buckets: [1, 40], bucket_size: 8 } }',
  ],
  ['islands.count_by_kind', 'all', '{ operation: count, table: islands, primary_key: ref, group_by: kind }'],
  [
    'islands.value_sum_by_kind',
    'all',
    '{ operation: sum, table: islands, primary_key: ref, column: value, group_by: kind }',
  ],
  ['sparse.count', 'all', '{ operation: count, table: sparse }'],
  ['sparse.count_7d', '7d', '{ operation: count, table: sparse }'],
  ['sparse.authors', 'all', '{ operation: distinct_count, table: sparse, column: author }'],
  [
    'sparse.authors_estimated',
    'all',
    '{ operation: estimate_distinct_count, table: sparse, column: author }',
  ],
  ['sparse.author_sum', 'all', '{ operation: sum, table: sparse, column: author }'],
  ['sparse.author_average', 'all', '{ operation: average, table: sparse, column: author }'],
  [
    'sparse.rows_per_author',
    'all',
    '{ operation: histogram, table: sparse, column: author, histogram: { buckets: [1, 60], bucket_size: 6 } }',
  ],
  ['int4_edge.count', 'all', '{ operation: count, table: int4_edge }'],
  ['int4_edge.weight_sum', 'all', '{ operation: sum, table: int4_edge, column: weight }'],
  ['int4_edge.weight_average', 'all', '{ operation: average, table: int4_edge, column: weight }'],
  ['empty_table.count', 'all', '{ operation: count, table: empty_table }'],
  ['empty_table.weight_sum', 'all', '{ operation: sum, table: empty_table, column: weight }'],
  ['empty_table.weight_average', 'all', '{ operation: average, table: empty_table, column: weight }'],
  ['empty_table.weights', 'all', '{ operation: distinct_count, table: empty_table, column: weight }'],
  [
    'empty_table.weights_estimated',
    'all',
    '{ operation: estimate_distinct_count, table: empty_table, column: weight }',
  ],
  [
    'empty_table.rows_per_weight',
    'all',
    '{ operation: histogram, table: empty_table, column: weight, histogram: { buckets: [1, 10], bucket_size: 3 } }',
  ],
  ['one_row.count', 'all', '{ operation: count, table: one_row }'],
  ['one_row.count_28d', '28d', '{ operation: count, table: one_row }'],
  ['one_row.weight_sum', 'all', '{ operation: sum, table: one_row, column: weight }'],
  ['one_row.weight_average', 'all', '{ operation: average, table: one_row, column: weight }'],
];

/** The metric dictionary as files (`counts_<frame>/<key path>.yml` → YAML text). */
export const ADVERSARIAL_FILES: Readonly<Record<string, string>> = Object.fromEntries(
  METRICS.map(([keyPath, timeFrame, options]) => [
    `counts_${timeFrame}/${keyPath}.yml`,
    [
      `key_path: ${keyPath}`,
      `description: ${keyPath}`,
      `time_frame: ${timeFrame}`,
      `value_type: ${/group_by|histogram/.test(options) ? 'object' : 'number'}`,
      `${HEADER}options: ${options}`,
    ].join('\n'),
  ]),
);

/** The definitions, loaded as the collector loads them. */
export function adversarialDefinitions(): MetricDefinition[] {
  return loadDictionaryOrThrow(
    Object.entries(ADVERSARIAL_FILES).map(([path, text]) => ({ path, text })),
    definitionKinds,
  );
}

/** The database query of a database definition (every one here is). */
export function queryOf(definition: MetricDefinition): DatabaseQuery {
  if (definition.spec.kind !== 'database') throw new Error(`${definition.keyPath} is not a database metric`);
  return definition.spec.query;
}

/** The answer of one plain statement (`renderUnbatchedQuery`), the exact value for estimates too. */
export async function plainSqlValue(client: Client, definition: MetricDefinition): Promise<MetricValue> {
  const query = queryOf(definition);
  const statement = renderUnbatchedQuery(query, databaseWindow(RECORDED_AT, definition.timeFrame));
  const { rows } = await client.query({ text: statement.text, values: statement.params });
  return readUnbatchedValue(query, rows);
}

/**
 * Expects `value` (computed under `label`, e.g. "versions islands.count") to be plain SQL's
 * `exact` answer, within HLL error for an estimate. The label is in the message of a mismatch.
 */
export function expectPlainSqlAnswer(
  label: string,
  definition: MetricDefinition,
  value: MetricValue,
  exact: MetricValue,
): void {
  if (queryOf(definition).operation === 'estimate_distinct_count') {
    expect({ [label]: withinHllError(value, exact) }).toEqual({ [label]: true });
  } else {
    expect({ [label]: value }).toEqual({ [label]: exact });
  }
}

/**
 * Whether `value` is within 4 standard errors of a p = 14 HyperLogLog (1.04 / √16384 ≈ 0.81 %)
 * of `exact`, plus one for the smallest counts.
 */
function withinHllError(value: MetricValue, exact: MetricValue): boolean {
  return (
    typeof value === 'number' &&
    typeof exact === 'number' &&
    Math.abs(value - exact) <= 4 * 0.0081 * exact + 1
  );
}
