import { classOptionsRule, specOk, withOptions, type DefinitionKind } from '@servping/shared';
import { settingOptionsSchema } from './options';

const SETTING_CLASS = 'SettingMetric';

/** SettingMetric: the name of a collector setting. */
export const settingDefinition: DefinitionKind = {
  classes: [SETTING_CLASS],
  schemaRules: [classOptionsRule(SETTING_CLASS, settingOptionsSchema)],
  resolve: ({ doc }) =>
    withOptions(settingOptionsSchema, doc, (options) => specOk({ kind: 'setting', name: options.setting })),
};
