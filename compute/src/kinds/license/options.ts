import { nonEmptyStringSchema, objectSchema, type OptionsSchema } from '@servping/shared';

/** `options` of a LicenseMetric. */
export interface LicenseOptionsYaml {
  field: string;
}

export const licenseOptionsSchema: OptionsSchema<LicenseOptionsYaml> = objectSchema<LicenseOptionsYaml>(
  { field: nonEmptyStringSchema },
  ['field'],
);
