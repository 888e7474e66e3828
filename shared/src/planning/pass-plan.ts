import type { DatabaseQuery, TimeFrame } from '../definitions/types';
import { CounterConfigError } from '../errors';
import { startingBatchSize } from '../counting/batch-loop';
import { batchesOverPrimaryKey } from '../counting/query-sql';

/** What grouping needs of a metric: its resolved query and its time frame. */
export interface PassCandidate {
  query: DatabaseQuery;
  timeFrame: TimeFrame;
}

/**
 * The key of the shared table pass `candidate` can ride in, or null when it keeps its own walk.
 * Metrics share a pass when they read the same rows in the same batches: same table, primary key
 * and joins, same window (time frame and timestamp column), batched over the primary key (count,
 * sum, primary-key average, bitmap distinct count, estimate). A `batch_size` does not split a pass
 * (it sizes the first batches only; `passRowsQuery` takes the smallest one). Value-range
 * batching (histograms, value-range distinct counts and averages) walks another column, and
 * explicit `start`/`finish` bound a walk of the metric's own; both stay alone. The
 * distinct count and average strategies must be resolved first (`withDistinctStrategy`,
 * `withAverageStrategy`): an unresolved one is never grouped.
 */
export function passKey({ query, timeFrame }: PassCandidate): string | null {
  const resolved =
    (query.operation !== 'distinct_count' || query.distinctBy !== undefined) &&
    (query.operation !== 'average' || query.averageBy !== undefined);
  const own = query.start !== undefined || query.finish !== undefined;
  if (!resolved || own || query.operation === 'histogram' || !batchesOverPrimaryKey(query)) return null;
  const window = timeFrame === 'all' ? null : query.timestampColumn;
  return JSON.stringify([query.table, query.primaryKey, query.joins, timeFrame, window]);
}

/**
 * The rows a pass of `members` walks, as a count by primary key over their table, joins and
 * window: what its key range, shards and row budget are read for. Filters and counted columns are
 * left out. Its batch size is the smallest `batch_size` a member sets (GitLab lowers it for
 * expensive tables; no statement of the pass should be larger), else the largest starting size
 * of the members' operations.
 */
export function passRowsQuery(members: readonly DatabaseQuery[]): DatabaseQuery & { batchSize: number } {
  const query = members[0];
  if (!query) throw new CounterConfigError('a table pass needs at least one metric');
  const { table, primaryKey, joins, timestampColumn } = query;
  const declared = members.flatMap((member) => (member.batchSize === undefined ? [] : [member.batchSize]));
  const batchSize =
    declared.length > 0
      ? Math.min(...declared)
      : Math.max(...members.map((member) => startingBatchSize(member)));
  const key = { table, column: primaryKey };
  return {
    operation: 'count',
    table,
    primaryKey,
    joins,
    timestampColumn,
    column: key,
    filters: [],
    batchSize,
  };
}

/**
 * `items` split into shared passes (two or more metrics with the same `passKey`, in first-seen
 * order, each keeping the items' order) and the items that walk alone (those without a key in
 * their order, then those alone under their key). A pass of one metric would only add a job, so
 * such a metric walks alone.
 */
export function groupPasses<T>(
  items: readonly T[],
  candidate: (item: T) => PassCandidate | null,
): { passes: T[][]; alone: T[] } {
  const byKey = new Map<string, T[]>();
  const alone: T[] = [];
  for (const item of items) {
    const of = candidate(item);
    const key = of ? passKey(of) : null;
    if (key === null) {
      alone.push(item);
      continue;
    }
    const group = byKey.get(key);
    if (group) group.push(item);
    else byKey.set(key, [item]);
  }
  const passes: T[][] = [];
  for (const group of byKey.values()) {
    if (group.length > 1) passes.push(group);
    else alone.push(...group);
  }
  return { passes, alone };
}
