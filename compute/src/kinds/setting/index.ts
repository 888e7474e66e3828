import type { KindModule } from '../kind-module';
import { computeSetting } from './counter';
import { settingDefinition } from './resolve';

/** A collector setting. */
export const settingKind: KindModule<'setting'> = {
  kind: 'setting',
  counter: computeSetting,
  definition: settingDefinition,
};
