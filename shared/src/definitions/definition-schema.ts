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
import { DATA_SOURCES, type DataCategory, type DataSource } from './types';

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
  /** GitLab's schema allowed null until it required the merge request link (base.json history). */
  introduced_by_url?: string | null;
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

// ---------------------------------------------------------------- schema building blocks

/** Every key of T gets a schema, and no other key can: the schema cannot drift from the type. */
type PropertySchemas<T> = { [K in keyof T]-?: SchemaObject };

/**
 * The schema of an object of type T (the type rides along, unused at run time, so that a
 * validator compiled from it narrows to T). ajv's `JSONSchemaType<T>` cannot describe our
 * `errorHint` annotations or `unknown` filter values, hence this smaller typed form.
 */
export type OptionsSchema<T> = SchemaObject & { readonly __type?: T };

/** A closed object schema whose properties are exactly the keys of T. */
export function objectSchema<T>(
  properties: PropertySchemas<T>,
  required: readonly (keyof T & string)[],
  extra: SchemaObject = {},
): OptionsSchema<T> {
  return { type: 'object', properties, required, additionalProperties: false, ...extra };
}

export const IDENTIFIER_PATTERN = '^[a-z_][a-z0-9_]{0,62}$';
/** `column` or `table.column`, each part an identifier. */
export const COLUMN_REF_PATTERN = '^([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}$';

/** A SQL identifier as definitions may name one (lower-case, ≤ 63 characters). */
export const identifierSchema: SchemaObject = { type: 'string', pattern: IDENTIFIER_PATTERN };
/** `column` or `table.column`. */
export const columnRefSchema: SchemaObject = { type: 'string', pattern: COLUMN_REF_PATTERN };
/** A string of at least one character. */
export const nonEmptyStringSchema: SchemaObject = { type: 'string', minLength: 1 };
/** A string, or null. */
export const nullableStringSchema: SchemaObject = { type: ['string', 'null'] };
/** A list of at least one non-empty string. */
export const nonEmptyStringListSchema: SchemaObject = {
  type: 'array',
  items: nonEmptyStringSchema,
  minItems: 1,
};
const nonEmptyString = nonEmptyStringSchema;
const nullableString = nullableStringSchema;
const stringList: SchemaObject = { type: 'array', items: nonEmptyString };
const milestone: SchemaObject = { type: 'string', pattern: '^<?[0-9]+\\.[0-9]+$' };

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

/**
 * The rule a kind adds to the definition schema for its instrumentation class: the shape of
 * `options` (required unless `optional`) and, when given, the `data_source` it must declare.
 */
export function classOptionsRule(
  name: string,
  options: SchemaObject,
  { dataSource, optional = false }: { dataSource?: SchemaObject; optional?: boolean } = {},
): SchemaObject {
  const hint = `instrumentation_class ${name}, see docs/metric-definitions.md`;
  return forClass(name, {
    errorHint: hint,
    ...(optional ? {} : { required: ['options'] }),
    properties: { options, ...(dataSource ? { data_source: dataSource } : {}) },
  });
}

/**
 * The schema of one definition file: the fields every definition has, plus `kindRules`, the
 * rules each metric kind adds for its own class (`DefinitionKind.schemaRules`).
 */
export function buildDefinitionSchema(kindRules: readonly SchemaObject[]): SchemaObject {
  return { ...BASE_SCHEMA, allOf: [...BASE_RULES, ...kindRules] };
}

const BASE_SCHEMA = objectSchema<DefinitionYaml>(
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
    introduced_by_url: { type: ['string', 'null'], format: 'uri' },
    removed_by_url: { type: ['string', 'null'], format: 'uri' },
    repair_issue_url: { type: 'string', format: 'uri' },
    time_frame: {
      type: ['string', 'array'],
      if: { type: 'string' },
      then: { enum: TIME_FRAMES },
      else: { items: { enum: ARRAY_TIME_FRAMES }, minItems: 1, uniqueItems: true },
    },
    data_source: { enum: [...DATA_SOURCES] },
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
);

/** Rules that relate the fields of every definition, whatever its kind. */
const BASE_RULES: readonly SchemaObject[] = [
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
];
