import type { KindModule } from '../kind-module';
import { computeSetting } from './counter';

/** A collector setting. */
export const settingKind: KindModule<'setting'> = { kind: 'setting', counter: computeSetting };
