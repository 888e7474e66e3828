/**
 * The numeric leaves of a ping, as Versions stores them: computed in Node from the parsed body
 * (`MetricKeyTrie`) rather than by walking the jsonb in PostgreSQL (a 3 000-leaf ping cost ~40 ms of
 * database CPU that way, issue 16), and stored as one row per ping (`ping_metric_values`) of arrays
 * ordered by key id.
 */

/** One ping's values as stored: key ids ascending, values alongside, the ids of values below 0. */
export interface PingMetricValues {
  keyIds: number[];
  values: number[];
  /** GitLab's fallbacks (-1, -2, -1000): what the metric-health ranking counts as failures. */
  failedKeyIds: number[];
}

/** A ping's leaves in document order: `values[i]` has the key id `ids[i]`. */
export interface LeavesById {
  ids: number[];
  values: number[];
  /** Objects above the leaf: `{"a.b": 1}` is at depth 1, `{"a": {"b": 2}}`'s leaf at 2. */
  depths: number[];
}

/**
 * Sorts leaves by key id. Leaves sharing an id (a dotted key and nested keys spelling the same path,
 * `{"a.b": 1}` and `{"a": {"b": 2}}`) keep one value: the shallower leaf's, then the earlier in the
 * document (the sort is stable and the leaves come in document order).
 */
export function toPingMetricValues(leaves: LeavesById): PingMetricValues {
  const { ids, values, depths } = leaves;
  // The usual case needs no sort: ensure_metric_keys() numbers new keys in document order, so a
  // ping shaped like the ones before it lists its ids ascending (the sort was ~0.2 ms a ping).
  if (ids.every((id, i) => i === 0 || ids[i - 1]! < id)) {
    return { keyIds: ids, values, failedKeyIds: ids.filter((_, i) => values[i]! < 0) };
  }
  const order = ids.map((_, i) => i).sort((a, b) => ids[a]! - ids[b]! || depths[a]! - depths[b]!);
  const sorted: PingMetricValues = { keyIds: [], values: [], failedKeyIds: [] };
  let previous: number | undefined;
  for (const i of order) {
    const id = ids[i]!;
    if (id === previous) continue;
    previous = id;
    sorted.keyIds.push(id);
    sorted.values.push(values[i]!);
    if (values[i]! < 0) sorted.failedKeyIds.push(id);
  }
  return sorted;
}
