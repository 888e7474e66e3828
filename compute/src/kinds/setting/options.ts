import { nonEmptyStringSchema, objectSchema, type OptionsSchema } from '@servping/shared';

/** `options` of a SettingMetric. */
export interface SettingOptionsYaml {
  setting: string;
}

export const settingOptionsSchema: OptionsSchema<SettingOptionsYaml> = objectSchema<SettingOptionsYaml>(
  { setting: nonEmptyStringSchema },
  ['setting'],
);
