import { classOptionsRule, specOk, withOptions, type DefinitionKind } from '@servping/shared';
import { numbersOptionsSchema } from './options';

const NUMBERS_CLASS = 'NumbersMetric';

/** NumbersMetric `add`: the key_paths to add up (the loader checks that they exist). */
export const numbersDefinition: DefinitionKind = {
  classes: [NUMBERS_CLASS],
  schemaRules: [classOptionsRule(NUMBERS_CLASS, numbersOptionsSchema)],
  resolve: ({ doc }) =>
    withOptions(numbersOptionsSchema, doc, (options) =>
      specOk({ kind: 'add', keyPaths: [...options.metrics] }),
    ),
};
