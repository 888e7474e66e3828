import { classOptionsRule, specOk, withOptions, type DefinitionKind } from '@servping/shared';
import { licenseOptionsSchema } from './options';

const LICENSE_CLASS = 'LicenseMetric';

/** LicenseMetric: the license field to report. */
export const licenseDefinition: DefinitionKind = {
  classes: [LICENSE_CLASS],
  schemaRules: [classOptionsRule(LICENSE_CLASS, licenseOptionsSchema, { dataSource: { const: 'license' } })],
  resolve: ({ doc }) =>
    withOptions(licenseOptionsSchema, doc, (options) => specOk({ kind: 'license', field: options.field })),
};
