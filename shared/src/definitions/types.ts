/**
 * The metric dictionary after loading: GitLab's YAML definitions, validated, with array time
 * frames expanded and each definition resolved to the computation servping runs for it
 * (`MetricSpec`). The YAML format is documented in docs/metric-definitions.md.
 */

export const STATUSES = ['active', 'broken', 'deprecated', 'removed'] as const;
/** A definition's lifecycle `status`: `removed` ones are never sent, `deprecated` ones as -1000. */
export type MetricStatus = (typeof STATUSES)[number];

/**
 * Every `data_source` a definition may declare, as GitLab spells them. `ruby` is the first
 * generation's (2020–2021) source of facts computed in Ruby, later split into `system` and
 * `license`; old license files still carry it.
 */
export const DATA_SOURCES = [
  'database',
  'redis',
  'redis_hll',
  'prometheus',
  'system',
  'license',
  'internal_events',
  'ruby',
] as const;
/** One of {@link DATA_SOURCES}. */
export type DataSource = (typeof DATA_SOURCES)[number];

/** GitLab's data categories; an instance sends only the ones its settings permit. */
export const DATA_CATEGORIES = ['operational', 'optional', 'subscription', 'standard'] as const;
/** One of {@link DATA_CATEGORIES}. */
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** A single (expanded) time frame. YAML may give an array of 7d/28d/all; the loader expands it. */
export type TimeFrame = '7d' | '28d' | 'all' | 'none';

/** The operations a database metric's `options.operation` may name. */
export const DATABASE_OPERATIONS = [
  'count',
  'distinct_count',
  'sum',
  'average',
  'histogram',
  'estimate_distinct_count',
] as const;
/** One of {@link DATABASE_OPERATIONS}. */
export type DatabaseOperation = (typeof DATABASE_OPERATIONS)[number];

/** The comparison operators a database metric's filter may use. */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'not_in',
  'is_null',
  'is_not_null',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export type FilterValue = string | number | boolean;

/**
 * A column reference: `{ table, column }` where `table` is the main table or a joined one.
 * Identifiers are validated against /^[a-z_][a-z0-9_]{0,62}$/ at load time and always quoted.
 */
export interface ColumnRef {
  table: string;
  column: string;
}

/** One `WHERE` condition of a database metric: `column op value`, the value always bound. */
export interface QueryFilter {
  column: ColumnRef;
  op: FilterOperator;
  /** Absent for is_null/is_not_null; an array for in/not_in; a scalar otherwise. */
  value?: FilterValue | FilterValue[];
}

/** An inner join: `JOIN "table" ON "<left.table>"."<left.column>" = "table"."<right column>"`. */
export interface QueryJoin {
  table: string;
  left: ColumnRef;
  rightColumn: string;
}

/** See `DatabaseQuery.distinctBy`. */
export type DistinctStrategy = 'bitmap' | 'value_ranges';

/** The declarative query of a database metric (YAML `options` of a DatabaseMetric). */
export interface DatabaseQuery {
  operation: DatabaseOperation;
  table: string;
  /** Primary key of `table` (default `id`): the batch column of count, sum and estimates. */
  primaryKey: string;
  /** Counted/summed/averaged/hashed column; for count it defaults to the primary key. */
  column: ColumnRef;
  joins: QueryJoin[];
  filters: QueryFilter[];
  /**
   * Trusted SQL condition from a reviewed definition file (YAML `where_sql`), ANDed with the
   * filters. Never built from user input; runs only under the read-only counting role.
   */
  whereSql?: string;
  /** Grouped variant: the result is an object keyed by this column's values. */
  groupBy?: ColumnRef;
  /** Column the 7d/28d windows filter on (default `created_at` of the main table). */
  timestampColumn: ColumnRef;
  /** Explicit batch size; the engine applies GitLab's default per operation when absent. */
  batchSize?: number;
  /** Explicit inclusive batch bounds (GitLab's start/finish). */
  start?: number;
  finish?: number;
  /**
   * How a distinct_count is batched, resolved at run time from the counted column's type and
   * indexes and never read from a definition (`withDistinctStrategy`): `bitmap` over the primary
   * key, or `value_ranges` of the counted column (GitLab's way). Absent = not resolved yet.
   */
  distinctBy?: DistinctStrategy;
  /**
   * How an average is batched, resolved at run time (`withAverageStrategy`), never read from a
   * definition: `primary_key` (servping: sum and count add up over any partition of the rows) or
   * `value_ranges` of the averaged column (GitLab's `BatchAverageCounter`). Absent = value ranges.
   */
  averageBy?: 'primary_key' | 'value_ranges';
  /** For operation histogram: GitLab's `buckets: lower..upper` and `bucket_size` (≤ 100). */
  histogram?: { lower: number; upper: number; bucketCount: number };
}

/** System facts an instance reports about itself (GitLab's UuidMetric, HostnameMetric, …). */
export const SYSTEM_FACTS = [
  'uuid',
  'hostname',
  'version',
  'edition',
  'installation_type',
  'recorded_at',
  'database_adapter',
  'database_version',
  'database_pg_system_id',
  'database_flavor',
  'collected_data_categories',
] as const;
/** A fact of the instance or its database that a `system` metric reports. */
export type SystemFact = (typeof SYSTEM_FACTS)[number];

/** What an Internal Events metric's `events[].unique` counts (GitLab's internal_events.json). */
export const UNIQUE_IDENTIFIERS = [
  'user.id',
  'project.id',
  'namespace.id',
  'label',
  'property',
  'value',
] as const;
/** One of {@link UNIQUE_IDENTIFIERS}. */
export type UniqueIdentifier = (typeof UNIQUE_IDENTIFIERS)[number];

/**
 * One entry of an Internal Events metric's `events`: the event, the property values it must carry
 * to count (`filter`), and what is counted uniquely (absent: every occurrence counts). GitLab's
 * EventSelectionRule; each selection has its own Redis keys.
 */
export interface EventSelection {
  event: string;
  filter: Readonly<Record<string, string | number>>;
  unique?: UniqueIdentifier;
}

/** What servping computes for a definition, one variant per kind of counter. */
export type MetricSpec =
  | { kind: 'database'; query: DatabaseQuery }
  /** A plain Redis counter read with GET (GitLab's RedisMetric); `key` is the full key name. */
  | { kind: 'redis_counter'; key: string }
  /** Unique users over the run's ISO-week window: one PFCOUNT over all events' weekly keys. */
  | { kind: 'redis_hll'; events: string[] }
  /**
   * OR = union, AND = intersection (inclusion–exclusion). For source `redis_hll` the events are
   * event names; for source `database` they are key_paths of estimate_distinct_count metrics of
   * the same run, whose sketches are merged.
   */
  | { kind: 'aggregated'; source: 'redis_hll' | 'database'; operator: 'OR' | 'AND'; events: string[] }
  /** GitLab's current AggregatedMetric over Internal Events: the union of the events' unique counts. */
  | {
      kind: 'aggregated';
      source: 'internal_events';
      operator: 'OR';
      events: string[];
      unique: UniqueIdentifier;
    }
  /**
   * GitLab's Internal Events metric: `total` sums the selections' counters (TotalCountMetric),
   * `unique` counts the union of their weekly sketches (UniqueCountMetric).
   */
  | { kind: 'internal_events'; operation: 'total' | 'unique'; selections: EventSelection[] }
  /** GitLab's NumbersMetric `add`: the sum of other metrics of the run, -1 if any is negative. */
  | { kind: 'add'; keyPaths: string[] }
  | { kind: 'system'; fact: SystemFact }
  /** A collector setting (e.g. `settings.collected_data_categories`, or any stored setting). */
  | { kind: 'setting'; name: string }
  /** A license field from the collector settings (license.plan, license.user_count, …). */
  | { kind: 'license'; field: string }
  /** A PromQL instant query; falls back to -1 when no Prometheus server answers. */
  | { kind: 'prometheus'; query: string }
  /** Valid YAML that servping cannot execute (e.g. a Ruby-only instrumentation class). */
  | { kind: 'unsupported'; reason: string };

/** The discriminant of {@link MetricSpec}: which counter computes a metric. */
export type MetricKind = MetricSpec['kind'];

/** One metric of the dictionary, after validation and time-frame expansion. */
export interface MetricDefinition {
  /** Dot path in the payload (with `_weekly`/`_monthly` suffix after expansion). */
  keyPath: string;
  /** Path of the YAML file relative to the dictionary root. */
  file: string;
  description: string;
  productGroup: string;
  valueType: 'string' | 'number' | 'boolean' | 'object';
  status: MetricStatus;
  timeFrame: TimeFrame;
  dataSource: DataSource;
  /** Missing in YAML counts as `optional`, as in GitLab. */
  dataCategory: DataCategory;
  instrumentationClass?: string;
  spec: MetricSpec;
  /** The YAML document as written (for the metric_definitions export), before expansion. */
  raw: Record<string, unknown>;
}
