import {
  columnRefSchema,
  identifierSchema,
  nonEmptyStringSchema,
  objectSchema,
  type OptionsSchema,
} from '@servping/shared';

/** `options` of a DatabaseMetric as written in YAML (docs/metric-definitions.md). */
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

const filterScalar = { type: ['string', 'number', 'boolean'] };

export const databaseOptionsSchema: OptionsSchema<DatabaseOptionsYaml> = objectSchema<DatabaseOptionsYaml>(
  {
    operation: {
      enum: ['count', 'distinct_count', 'sum', 'average', 'histogram', 'estimate_distinct_count'],
    },
    table: identifierSchema,
    primary_key: identifierSchema,
    column: columnRefSchema,
    joins: {
      type: 'array',
      items: objectSchema<{ table: string; on: [string, string] }>(
        {
          table: identifierSchema,
          on: { type: 'array', items: columnRefSchema, minItems: 2, maxItems: 2 },
        },
        ['table', 'on'],
      ),
    },
    filters: {
      type: 'array',
      items: objectSchema<{ column: string; op: string; value?: unknown }>(
        {
          column: columnRefSchema,
          op: { enum: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'is_null', 'is_not_null'] },
          value: {
            errorHint: 'a string, number or boolean, or a non-empty list of them for in/not_in',
            anyOf: [filterScalar, { type: 'array', items: filterScalar, minItems: 1 }],
          },
        },
        ['column', 'op'],
      ),
    },
    where_sql: nonEmptyStringSchema,
    group_by: columnRefSchema,
    timestamp_column: columnRefSchema,
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
