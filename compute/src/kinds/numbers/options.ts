import { nonEmptyStringListSchema, objectSchema, type OptionsSchema } from '@servping/shared';

/** `options` of a NumbersMetric: the key_paths whose values are added. */
export interface NumbersOptionsYaml {
  operation: 'add';
  metrics: string[];
}

export const numbersOptionsSchema: OptionsSchema<NumbersOptionsYaml> = objectSchema<NumbersOptionsYaml>(
  { operation: { const: 'add' }, metrics: nonEmptyStringListSchema },
  ['operation', 'metrics'],
);
