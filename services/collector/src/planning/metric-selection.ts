import {
  payloadDefinitions,
  type DataCategory,
  type MetricDefinition,
  type PlannedMetric,
} from '@servping/shared';

/** What the planner does with the dictionary: metrics to compute as jobs, and metrics left to the aggregator. */
export interface MetricSelection {
  compute: PlannedMetric[];
  /** `add`, database-sourced aggregated (computed from other results) and deprecated (-1000). */
  deferred: PlannedMetric[];
}

/** Kinds the aggregator derives from the other results of the same run, so no job computes them. */
function isDerived(metric: MetricDefinition): boolean {
  const { spec } = metric;
  return spec.kind === 'add' || (spec.kind === 'aggregated' && spec.source === 'database');
}

/** The definition without its YAML document: jobs carry what is computed, not how it was written. */
export function toPlannedMetric(definition: MetricDefinition): PlannedMetric {
  const { raw: _raw, ...planned } = definition;
  return planned;
}

/**
 * Splits the payload's definitions (GitLab's status and data-category filter) into jobs and
 * deferred metrics, keeping dictionary order so job indexes are stable for one dictionary.
 */
export function selectMetrics(
  definitions: readonly MetricDefinition[],
  permittedCategories: readonly DataCategory[],
): MetricSelection {
  const compute: PlannedMetric[] = [];
  const deferred: PlannedMetric[] = [];
  for (const definition of payloadDefinitions(definitions, permittedCategories)) {
    const target = definition.status === 'deprecated' || isDerived(definition) ? deferred : compute;
    target.push(toPlannedMetric(definition));
  }
  return { compute, deferred };
}
