/**
 * Which definitions belong in a payload: every lifecycle status but `removed` (deprecated ones
 * are sent as GitLab's -1000), and only categories the instance agreed to share.
 */
import type { DataCategory, MetricDefinition, MetricStatus } from './types';

const SENT_STATUSES: ReadonlySet<MetricStatus> = new Set(['active', 'broken', 'deprecated']);

/** The definitions whose values go into the payload, in input order (a filtered copy). */
export function payloadDefinitions(
  definitions: readonly MetricDefinition[],
  permittedCategories: readonly DataCategory[],
): MetricDefinition[] {
  const permitted = new Set(permittedCategories);
  return definitions.filter((d) => SENT_STATUSES.has(d.status) && permitted.has(d.dataCategory));
}
