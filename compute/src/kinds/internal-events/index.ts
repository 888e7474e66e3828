import type { KindModule } from '../kind-module';
import { computeInternalEvents } from './counter';
import { internalEventsDefinition } from './resolve';

/** GitLab's Internal Events metrics: totals and unique counts of tracked events. */
export const internalEventsKind: KindModule<'internal_events'> = {
  kind: 'internal_events',
  counter: computeInternalEvents,
  definition: internalEventsDefinition,
};
