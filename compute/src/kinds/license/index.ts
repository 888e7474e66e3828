import type { KindModule } from '../kind-module';
import { computeLicenseField } from './counter';
import { licenseDefinition } from './resolve';

/** A license field. */
export const licenseKind: KindModule<'license'> = {
  kind: 'license',
  counter: computeLicenseField,
  definition: licenseDefinition,
};
