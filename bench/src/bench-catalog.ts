import { definitionKinds } from '@servping/compute';
/**
 * The metric catalog as the bench splits it: database metrics (where the modes differ), metrics
 * a worker computes without SQL (Redis, system facts, settings…), and metrics only the
 * aggregator resolves from other results (`add`, database-sourced aggregates) or never computes
 * (deprecated, removed).
 */
import {
  isDeferredToAggregator,
  loadDictionaryOrThrow,
  type DatabaseQuery,
  type MetricDefinition,
  type PlannedMetric,
} from '@servping/shared';
import { readDictionaryFiles } from '@servping/runtime';

export interface DatabaseMetric {
  metric: PlannedMetric;
  query: DatabaseQuery;
}

export interface BenchCatalog {
  dir: string;
  database: DatabaseMetric[];
  other: PlannedMetric[];
  /** Resolved by the aggregator or not computed at all; the single-process modes skip them too. */
  notComputed: number;
  total: number;
}

export function splitCatalog(dir: string, definitions: readonly MetricDefinition[]): BenchCatalog {
  const catalog: BenchCatalog = { dir, database: [], other: [], notComputed: 0, total: definitions.length };
  for (const { raw: _raw, ...metric } of definitions) {
    if (
      metric.status === 'removed' ||
      metric.status === 'deprecated' ||
      isDeferredToAggregator(metric.spec)
    ) {
      catalog.notComputed += 1;
    } else if (metric.spec.kind === 'database') {
      catalog.database.push({ metric, query: metric.spec.query });
    } else {
      catalog.other.push(metric);
    }
  }
  return catalog;
}

/** Reads and validates the dictionary under `dir` exactly as the collector does. */
export async function loadBenchCatalog(dir: string): Promise<BenchCatalog> {
  return splitCatalog(dir, loadDictionaryOrThrow(await readDictionaryFiles(dir), definitionKinds));
}
