import { nonEmptyStringSchema, objectSchema, type OptionsSchema } from '@servping/shared';

/**
 * `options` of a LicenseMetric: GitLab names the license attribute `attribute` (`md5`, `plan`,
 * `add_ons`, … in `license_metric.rb`); `field` is servping's earlier name, still read.
 */
export interface LicenseOptionsYaml {
  attribute?: string;
  field?: string;
}

export const licenseOptionsSchema: OptionsSchema<LicenseOptionsYaml> = objectSchema<LicenseOptionsYaml>(
  { attribute: nonEmptyStringSchema, field: nonEmptyStringSchema },
  [],
);
