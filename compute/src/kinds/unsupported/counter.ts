import { ServpingError } from '@servping/shared';
import type { Counter, SpecOf } from '../../compute-context';

/** A definition servping cannot execute: always fails, with the resolver's reason. */
export const refuseUnsupported: Counter<SpecOf<'unsupported'>> = (spec) =>
  Promise.reject(new ServpingError('SERVPING_UNSUPPORTED_METRIC', spec.reason));
