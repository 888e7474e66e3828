import type { DataCategory, MetricDefinition } from '../definitions/types';
import { DEPRECATED_VALUE } from './fallback';
import { instanceFactEntries, type InstanceFacts } from './instance-facts';
import type { MetricResult, MetricValue } from './metric-result';
import { nestByKeyPath, type PayloadObject } from './nest-by-key-path';
import { timingsMetadata, type TimingsMetadata } from './timings-metadata';

/** What the payload filter needs to know about a metric. */
export type PayloadDefinition = Pick<MetricDefinition, 'keyPath' | 'status' | 'dataCategory'>;

/** Everything `buildPayload` assembles a run's payload from. */
export interface BuildPayloadInput {
  /** One result per computed (or deferred) metric of the run. */
  results: readonly MetricResult[];
  facts: InstanceFacts;
  /** The run's recorded_at (ISO 8601). */
  recordedAt: string;
  /** License fields sent under `license.` (an unlicensed instance: `{}`). */
  license: Readonly<Record<string, MetricValue>>;
  /** The run's dictionary: decides which results are sent and which facts a metric overrides. */
  definitions: readonly PayloadDefinition[];
  permittedCategories: readonly DataCategory[];
}

/** A run's payload, nested by key_path, and the timings metadata sent beside it. */
export interface BuiltPayload {
  payload: PayloadObject;
  /** Timings of the metrics that made it into the payload (deprecated ones were never computed). */
  metadata: TimingsMetadata;
}

/**
 * The payload of a run, following GitLab's `ServicePing::BuildPayload`
 * (`lib/service_ping/build_payload.rb`): a result
 * is sent iff its key_path has a definition whose status is active or broken and whose data
 * category is permitted; results without a definition are dropped. Deprecated metrics are sent
 * as -1000 (docs/metric-definitions.md, "Lifecycle"), whatever value they carry. Instance facts
 * are added under GitLab's names unless the dictionary defines that key_path, in which case the
 * metric (and its filter) wins. Throws `KeyPathConflictError` when two key paths collide.
 */
export function buildPayload(input: BuildPayloadInput): BuiltPayload {
  const definitions = new Map(input.definitions.map((d) => [d.keyPath, d]));
  const permitted = new Set<DataCategory>(input.permittedCategories);
  const sent: MetricResult[] = [];
  const entries: Array<[string, MetricValue]> = [];
  for (const result of input.results) {
    const definition = definitions.get(result.keyPath);
    if (!definition || !permitted.has(definition.dataCategory)) continue;
    if (definition.status === 'deprecated') {
      entries.push([result.keyPath, DEPRECATED_VALUE]);
    } else if (definition.status === 'active' || definition.status === 'broken') {
      entries.push([result.keyPath, result.value]);
      sent.push(result);
    }
  }
  for (const [keyPath, value] of instanceFactEntries(input.facts, input.recordedAt, input.license)) {
    if (!definitions.has(keyPath)) entries.push([keyPath, value]);
  }
  return { payload: nestByKeyPath(entries), metadata: timingsMetadata(input.facts.uuid, sent) };
}
