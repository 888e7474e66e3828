import { classOptionsRule, specInvalid, specOk, withOptions, type DefinitionKind } from '@servping/shared';
import { licenseOptionsSchema } from './options';

const LICENSE_CLASS = 'LicenseMetric';

/** LicenseMetric: the license attribute to report. */
export const licenseDefinition: DefinitionKind = {
  classes: [LICENSE_CLASS],
  // The first generation of GitLab's dictionary (2020–2021) filed license facts under `ruby`.
  schemaRules: [
    classOptionsRule(LICENSE_CLASS, licenseOptionsSchema, { dataSource: { enum: ['license', 'ruby'] } }),
  ],
  resolve: ({ doc }) =>
    withOptions(licenseOptionsSchema, doc, ({ attribute, field }) => {
      const name = attribute ?? field;
      if (name === undefined || (attribute !== undefined && field !== undefined)) {
        return specInvalid([
          {
            field: '/options/attribute',
            message: `${name === undefined ? 'is required' : 'give either attribute or field, not both'} (the license attribute, e.g. plan or md5; instrumentation_class LicenseMetric)`,
          },
        ]);
      }
      return specOk({ kind: 'license', field: name });
    }),
};
