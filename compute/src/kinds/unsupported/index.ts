import type { KindModule } from '../kind-module';
import { refuseUnsupported } from './counter';

/** Valid definitions servping cannot execute (Ruby-only classes). */
export const unsupportedKind: KindModule<'unsupported'> = { kind: 'unsupported', counter: refuseUnsupported };
