import { classOptionsRule, specInvalid, specOk, withOptions } from '@servping/shared';
import type { DefinitionKind, SpecResult } from '@servping/shared';
import { resolveDatabaseQuery } from './database-query';
import { databaseOptionsSchema } from './options';

const DATABASE_CLASS = 'DatabaseMetric';

/** A database metric may omit the class when its options say what to compute (`operation`). */
const CLASSLESS_RULE = {
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
};

/** DatabaseMetric, or class-less database options: the declarative query, resolved and checked. */
export const databaseDefinition: DefinitionKind = {
  classes: [DATABASE_CLASS],
  schemaRules: [
    CLASSLESS_RULE,
    classOptionsRule(DATABASE_CLASS, databaseOptionsSchema, { dataSource: { const: 'database' } }),
  ],
  claimsClassless: (doc) =>
    doc.data_source === 'database' &&
    typeof doc.options === 'object' &&
    doc.options !== null &&
    'operation' in doc.options,
  resolve: ({ doc }) =>
    withOptions(databaseOptionsSchema, doc, (options): SpecResult => {
      const resolved = resolveDatabaseQuery(options, doc.value_type);
      return resolved.query
        ? specOk({ kind: 'database', query: resolved.query })
        : specInvalid(resolved.issues);
    }),
};
