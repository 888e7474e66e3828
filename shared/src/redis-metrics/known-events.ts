import type { MetricDefinition } from '../definitions/types';

type DefinitionLike = Pick<MetricDefinition, 'status' | 'spec'>;

/** GitLab counts only definitions that are still "available": active or broken. */
export function isAvailable(definition: DefinitionLike): boolean {
  return definition.status === 'active' || definition.status === 'broken';
}

/**
 * Event names the tracking API accepts: the union of events of available redis_hll metrics and
 * of Redis-sourced aggregated metrics. Tracking anything else would write keys no metric reads.
 */
export function knownEvents(definitions: readonly DefinitionLike[]): ReadonlySet<string> {
  const events = new Set<string>();
  for (const definition of definitions) {
    if (!isAvailable(definition)) continue;
    const { spec } = definition;
    if (spec.kind === 'redis_hll' || (spec.kind === 'aggregated' && spec.source === 'redis_hll')) {
      for (const event of spec.events) events.add(event);
    }
  }
  return events;
}

/** Full keys of the plain counters available definitions read, which the API may increment. */
export function knownCounterKeys(definitions: readonly DefinitionLike[]): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const definition of definitions) {
    if (isAvailable(definition) && definition.spec.kind === 'redis_counter') keys.add(definition.spec.key);
  }
  return keys;
}
