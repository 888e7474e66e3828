/**
 * The JSON schema of one metric definition file: GitLab's `config/metrics/schema/base.json`
 * (newest) widened to the older fields and statuses GitLab still ships, plus servping's
 * declarative `options` per instrumentation class (docs/metric-definitions.md).
 *
 * The schema checks shape; rules that relate values to each other (a filter's table must be
 * joined, histogram bounds must be ordered, …) live in the resolvers, which can name the
 * offending field precisely. `errorHint` is an annotation keyword: its text is appended to any
 * error raised inside that sub-schema, so conditional rules explain themselves.
 */
import type { SchemaObject } from 'ajv';
import type { DataCategory, DataSource } from './types';

// ---------------------------------------------------------------- the YAML shape

export type YamlStatus =
  'active' | 'broken' | 'deprecated' | 'removed' | 'data_available' | 'implemented' | 'not_used';
export type YamlTimeFrame = '7d' | '28d' | 'all' | 'none';

export interface DefinitionEventYaml {
  name: string;
  unique?: string;
  filter?: Record<string, string | number>;
  operator?: string;
}

/** One YAML document as written (after `data_category` is lower-cased). */
export interface DefinitionYaml {
  key_path: string;
  description: string | null;
  product_group: string;
  product_categories?: string[];
  product_section?: string | null;
  product_stage?: string | null;
  product_category?: string | null;
  value_type: 'string' | 'number' | 'boolean' | 'object';
  value_json_schema?: string;
  status: YamlStatus;
  milestone?: string;
  milestone_removed?: string;
  introduced_by_url?: string;
  removed_by_url?: string | null;
  repair_issue_url?: string;
  time_frame: YamlTimeFrame | Exclude<YamlTimeFrame, 'none'>[];
  data_source: DataSource;
  data_category?: DataCategory;
  instrumentation_class?: string;
  options?: Record<string, unknown> | null;
  events?: DefinitionEventYaml[];
  tiers?: ('free' | 'premium' | 'ultimate')[];
  tier?: string[];
  distribution?: ('ce' | 'ee')[];
  performance_indicator_type?: string[];
  skip_validation?: boolean;
  name?: string;
}

export interface DatabaseOptionsYaml {
  operation: string;
  table: string;
  primary_key?: string;
  column?: string;
  joins?: { table: string; on: [string, string] }[];
  filters?: { column: string; op: string; value?: unknown }[];
  where_sql?: string;
  group_by?: string;
  timestamp_column?: string;
  batch_size?: number;
  start?: number;
  finish?: number;
  histogram?: { buckets: [number, number]; bucket_size: number };
}

export interface RedisOptionsYaml {
  event: string;
  prefix?: string | null;
  include_usage_prefix?: boolean;
  /** GitLab's older option shape: the Ruby counter class that owned the key prefix. */
  counter_class?: string;
}

export interface RedisHllOptionsYaml {
  events: string[];
}

export interface AggregatedOptionsYaml {
  aggregate: { operator: 'OR' | 'AND'; attribute?: string };
  events: string[];
}

export interface NumbersOptionsYaml {
  operation: 'add';
  metrics: string[];
}

export interface SettingOptionsYaml {
  setting: string;
}

export interface LicenseOptionsYaml {
  field: string;
}

export interface PrometheusOptionsYaml {
  query: string;
}

// ---------------------------------------------------------------- schema building blocks

/** Every key of T gets a schema, and no other key can: the schema cannot drift from the type. */
type PropertySchemas<T> = { [K in keyof T]-?: SchemaObject };

function objectSchema<T>(
  properties: PropertySchemas<T>,
  required: readonly (keyof T & string)[],
  extra: SchemaObject = {},
): SchemaObject {
  return { type: 'object', properties, required, additionalProperties: false, ...extra };
}

export const IDENTIFIER_PATTERN = '^[a-z_][a-z0-9_]{0,62}$';
/** `column` or `table.column`, each part an identifier. */
export const COLUMN_REF_PATTERN = '^([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}$';

const identifier: SchemaObject = { type: 'string', pattern: IDENTIFIER_PATTERN };
const columnRef: SchemaObject = { type: 'string', pattern: COLUMN_REF_PATTERN };
const nonEmptyString: SchemaObject = { type: 'string', minLength: 1 };
const nullableString: SchemaObject = { type: ['string', 'null'] };
const stringList: SchemaObject = { type: 'array', items: nonEmptyString };
const nonEmptyStringList: SchemaObject = { type: 'array', items: nonEmptyString, minItems: 1 };
const milestone: SchemaObject = { type: 'string', pattern: '^<?[0-9]+\\.[0-9]+$' };
const filterScalar: SchemaObject = { type: ['string', 'number', 'boolean'] };

export const DATABASE_CLASS = 'DatabaseMetric';
export const REDIS_CLASS = 'RedisMetric';
export const REDIS_HLL_CLASS = 'RedisHLLMetric';
export const AGGREGATED_CLASS = 'AggregatedMetric';
export const NUMBERS_CLASS = 'NumbersMetric';
export const SETTING_CLASS = 'SettingMetric';
export const LICENSE_CLASS = 'LicenseMetric';
export const PROMETHEUS_CLASS = 'PrometheusMetric';

export const databaseOptionsSchema = objectSchema<DatabaseOptionsYaml>(
  {
    operation: {
      enum: ['count', 'distinct_count', 'sum', 'average', 'histogram', 'estimate_distinct_count'],
    },
    table: identifier,
    primary_key: identifier,
    column: columnRef,
    joins: {
      type: 'array',
      items: objectSchema<{ table: string; on: [string, string] }>(
        {
          table: identifier,
          on: { type: 'array', items: columnRef, minItems: 2, maxItems: 2 },
        },
        ['table', 'on'],
      ),
    },
    filters: {
      type: 'array',
      items: objectSchema<{ column: string; op: string; value?: unknown }>(
        {
          column: columnRef,
          op: { enum: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'is_null', 'is_not_null'] },
          value: {
            errorHint: 'a string, number or boolean, or a non-empty list of them for in/not_in',
            anyOf: [filterScalar, { type: 'array', items: filterScalar, minItems: 1 }],
          },
        },
        ['column', 'op'],
      ),
    },
    where_sql: nonEmptyString,
    group_by: columnRef,
    timestamp_column: columnRef,
    batch_size: { type: 'integer', minimum: 1 },
    start: { type: 'integer' },
    finish: { type: 'integer' },
    histogram: objectSchema<{ buckets: [number, number]; bucket_size: number }>(
      {
        buckets: { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 2 },
        bucket_size: { type: 'integer', minimum: 1, maximum: 100 },
      },
      ['buckets', 'bucket_size'],
    ),
  },
  ['operation', 'table'],
);

export const redisOptionsSchema = objectSchema<RedisOptionsYaml>(
  {
    event: nonEmptyString,
    prefix: nullableString,
    include_usage_prefix: { type: 'boolean' },
    counter_class: nonEmptyString,
  },
  ['event'],
);

export const redisHllOptionsSchema = objectSchema<RedisHllOptionsYaml>({ events: nonEmptyStringList }, [
  'events',
]);

export const aggregatedOptionsSchema = objectSchema<AggregatedOptionsYaml>(
  {
    aggregate: objectSchema<AggregatedOptionsYaml['aggregate']>(
      { operator: { enum: ['OR', 'AND'] }, attribute: nonEmptyString },
      ['operator'],
    ),
    events: nonEmptyStringList,
  },
  ['aggregate', 'events'],
);

export const numbersOptionsSchema = objectSchema<NumbersOptionsYaml>(
  { operation: { const: 'add' }, metrics: nonEmptyStringList },
  ['operation', 'metrics'],
);

const settingOptionsSchema = objectSchema<SettingOptionsYaml>({ setting: nonEmptyString }, ['setting']);
const licenseOptionsSchema = objectSchema<LicenseOptionsYaml>({ field: nonEmptyString }, ['field']);
const prometheusOptionsSchema = objectSchema<PrometheusOptionsYaml>({ query: nonEmptyString }, ['query']);

const eventSchema = objectSchema<DefinitionEventYaml>(
  {
    name: nonEmptyString,
    unique: { enum: ['user.id', 'project.id', 'namespace.id', 'label', 'property', 'value'] },
    filter: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    operator: { const: 'sum(value)' },
  },
  ['name'],
);

const TIME_FRAMES = ['7d', '28d', 'all', 'none'];
const ARRAY_TIME_FRAMES = ['7d', '28d', 'all'];

/** `if instrumentation_class is <name> then <rule>`. */
function forClass(name: string, then: SchemaObject): SchemaObject {
  return {
    if: { properties: { instrumentation_class: { const: name } }, required: ['instrumentation_class'] },
    then,
  };
}

function classOptions(name: string, options: SchemaObject, dataSource?: SchemaObject): SchemaObject {
  const hint = `instrumentation_class ${name}, see docs/metric-definitions.md`;
  return forClass(name, {
    errorHint: hint,
    required: ['options'],
    properties: { options, ...(dataSource ? { data_source: dataSource } : {}) },
  });
}

export const definitionSchema = objectSchema<DefinitionYaml>(
  {
    key_path: { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' },
    description: nullableString,
    product_group: nonEmptyString,
    product_categories: stringList,
    product_section: nullableString,
    product_stage: nullableString,
    product_category: nullableString,
    value_type: { enum: ['string', 'number', 'boolean', 'object'] },
    value_json_schema: nonEmptyString,
    status: {
      enum: ['active', 'broken', 'deprecated', 'removed', 'data_available', 'implemented', 'not_used'],
    },
    milestone,
    milestone_removed: milestone,
    introduced_by_url: { type: 'string', format: 'uri' },
    removed_by_url: { type: ['string', 'null'], format: 'uri' },
    repair_issue_url: { type: 'string', format: 'uri' },
    time_frame: {
      type: ['string', 'array'],
      if: { type: 'string' },
      then: { enum: TIME_FRAMES },
      else: { items: { enum: ARRAY_TIME_FRAMES }, minItems: 1, uniqueItems: true },
    },
    data_source: {
      enum: ['database', 'redis', 'redis_hll', 'prometheus', 'system', 'license', 'internal_events'],
    },
    data_category: { enum: ['operational', 'optional', 'subscription', 'standard'] },
    instrumentation_class: { type: 'string', pattern: '^(([A-Z][a-z]+)+::)*(([A-Z]+[a-z]+)+)$' },
    options: { type: ['object', 'null'] },
    events: { type: 'array', items: eventSchema, minItems: 1 },
    tiers: { type: 'array', items: { enum: ['free', 'premium', 'ultimate'] }, uniqueItems: true },
    // Old files repeat tiers (`[free, premium, ultimate, free]`), so no uniqueItems here.
    tier: {
      type: 'array',
      items: { enum: ['free', 'starter', 'premium', 'ultimate', 'bronze', 'silver', 'gold'] },
    },
    distribution: { type: 'array', items: { enum: ['ce', 'ee'] } },
    performance_indicator_type: {
      type: 'array',
      items: {
        enum: [
          'gmau',
          'smau',
          'paid_gmau',
          'umau',
          'customer_health_score',
          'devops_report',
          'lighthouse',
          'leading_indicator',
        ],
      },
    },
    skip_validation: { type: 'boolean' },
    name: nonEmptyString,
  },
  ['key_path', 'description', 'product_group', 'value_type', 'status', 'time_frame', 'data_source'],
  {
    allOf: [
      // Newest files carry `tiers` + milestone + MR link; older ones `distribution` + `tier`.
      {
        if: { required: ['tiers'] },
        then: {
          errorHint: 'a file with tiers uses the newest format, which needs milestone and introduced_by_url',
          required: ['milestone', 'introduced_by_url'],
        },
        else: {
          errorHint: 'without tiers, the older format needs distribution and tier',
          required: ['distribution', 'tier'],
        },
      },
      {
        if: { not: { properties: { skip_validation: { const: true } }, required: ['skip_validation'] } },
        then: {
          properties: {
            description: {
              errorHint: 'only legacy files with skip_validation: true may omit it',
              type: 'string',
              minLength: 1,
            },
          },
        },
      },
      {
        if: { properties: { status: { const: 'broken' } }, required: ['status'] },
        then: { errorHint: 'a broken metric links its repair issue', required: ['repair_issue_url'] },
      },
      {
        if: { properties: { status: { const: 'removed' } }, required: ['status'] },
        then: {
          errorHint: 'a removed metric records when and by which change',
          required: ['milestone_removed', 'removed_by_url'],
        },
      },
      {
        if: { properties: { data_source: { const: 'internal_events' } }, required: ['data_source'] },
        then: {
          errorHint: 'internal_events metrics are defined by their events, not by a class',
          required: ['events'],
          properties: { instrumentation_class: false },
        },
      },
      {
        if: {
          required: ['events'],
          properties: { events: { type: 'array', contains: { type: 'object', required: ['unique'] } } },
        },
        then: {
          errorHint: 'a unique count needs a 7d or 28d window',
          properties: {
            time_frame: {
              anyOf: [{ enum: ['7d', '28d'] }, { type: 'array', items: { enum: ['7d', '28d'] } }],
            },
          },
        },
      },
      // A database metric may omit the class when its options say what to compute.
      {
        if: {
          not: { required: ['instrumentation_class'] },
          required: ['options', 'data_source'],
          properties: {
            data_source: { const: 'database' },
            options: { type: 'object', required: ['operation'] },
          },
        },
        then: {
          errorHint: 'database options, see docs/metric-definitions.md',
          properties: { options: databaseOptionsSchema },
        },
      },
      classOptions(DATABASE_CLASS, databaseOptionsSchema, { const: 'database' }),
      classOptions(REDIS_CLASS, redisOptionsSchema, { const: 'redis' }),
      forClass(REDIS_HLL_CLASS, {
        errorHint: `instrumentation_class ${REDIS_HLL_CLASS}, see docs/metric-definitions.md`,
        properties: { options: redisHllOptionsSchema, data_source: { const: 'redis_hll' } },
      }),
      classOptions(AGGREGATED_CLASS, aggregatedOptionsSchema, { enum: ['redis_hll', 'database'] }),
      classOptions(NUMBERS_CLASS, numbersOptionsSchema),
      classOptions(SETTING_CLASS, settingOptionsSchema),
      classOptions(LICENSE_CLASS, licenseOptionsSchema, { const: 'license' }),
      classOptions(PROMETHEUS_CLASS, prometheusOptionsSchema, { const: 'prometheus' }),
    ],
  },
);
