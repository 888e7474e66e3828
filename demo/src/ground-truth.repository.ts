/**
 * Ground truth for the database metrics of a dictionary: each metric as one plain, unbatched,
 * exact statement (exact COUNT(DISTINCT) where the engine estimates), run against the instance
 * database. Tests compare the batched, sharded, HLL-estimating engine with these numbers.
 */
import type { Pool } from 'pg';
import {
  databaseWindow,
  readUnbatchedValue,
  renderUnbatchedQuery,
  type MetricDefinition,
  type MetricValue,
} from '@servping/shared';

/** Metrics a run computes: GitLab's "available" statuses. */
const COMPUTED_STATUSES: ReadonlySet<string> = new Set(['active', 'broken']);

/** The database metrics of `definitions` that a run computes, in dictionary order. */
export function databaseMetrics(definitions: readonly MetricDefinition[]): MetricDefinition[] {
  return definitions.filter((d) => d.spec.kind === 'database' && COMPUTED_STATUSES.has(d.status));
}

/**
 * `{ key_path: exact value }` for every computed database metric, windows fixed at `recordedAt`.
 * Statements run one at a time on `pool`; a failing statement rejects with the metric's key_path.
 */
export async function computeGroundTruth(
  pool: Pool,
  definitions: readonly MetricDefinition[],
  recordedAt: Date,
): Promise<Record<string, MetricValue>> {
  const truth: Record<string, MetricValue> = {};
  for (const definition of databaseMetrics(definitions)) {
    if (definition.spec.kind !== 'database') continue;
    const { query } = definition.spec;
    const statement = renderUnbatchedQuery(query, databaseWindow(recordedAt, definition.timeFrame));
    try {
      const { rows } = await pool.query(statement.text, [...statement.params]);
      truth[definition.keyPath] = readUnbatchedValue(query, rows);
    } catch (err) {
      throw new Error(`ground truth of ${definition.keyPath} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return truth;
}
