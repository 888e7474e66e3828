import type { KindModule } from '../kind-module';
import { computeLicenseField } from './counter';

/** A license field. */
export const licenseKind: KindModule<'license'> = { kind: 'license', counter: computeLicenseField };
