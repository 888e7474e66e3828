/**
 * The numeric leaves of a ping, as Versions stores them: computed here from the parsed body rather
 * than by walking the jsonb in PostgreSQL (a 3 000-leaf ping cost ~40 ms of database CPU that way,
 * issue 16), and stored as one row per ping (`ping_metric_values`) of arrays ordered by key id.
 */

export interface NumericLeaves {
  /** Dotted key paths (`counts.issues`), each once. */
  keyPaths: string[];
  /** `values[i]` belongs to `keyPaths[i]`. */
  values: number[];
}

/**
 * Every number reachable through objects, by its dotted path; arrays are not walked (GitLab's
 * arrays hold lists of facts, not metrics), as in `jsonb_numeric_leaves()`. `{"a.b": 1}` and
 * `{"a": {"b": 2}}` share a path: the shallower one wins, then the earlier in the document. Depth is
 * bounded by the ingest guards (32 levels), and the walk is breadth first, without recursion.
 */
export function numericLeaves(doc: unknown): NumericLeaves {
  const keyPaths: string[] = [];
  const values: number[] = [];
  const seen = new Set<string>();
  let level: Array<[string, unknown]> = isObject(doc) ? prefixed('', doc) : [];
  while (level.length > 0) {
    const next: Array<[string, unknown]> = [];
    for (const [path, node] of level) {
      if (typeof node === 'number') {
        if (!seen.has(path)) {
          seen.add(path);
          keyPaths.push(path);
          values.push(node);
        }
      } else if (isObject(node)) {
        next.push(...prefixed(`${path}.`, node));
      }
    }
    level = next;
  }
  return { keyPaths, values };
}

function isObject(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function prefixed(prefix: string, node: Record<string, unknown>): Array<[string, unknown]> {
  return Object.keys(node).map((key) => [prefix + key, node[key]]);
}

/** One ping's values as stored: key ids ascending, values alongside, the ids of values below 0. */
export interface PingMetricValues {
  keyIds: number[];
  values: number[];
  /** GitLab's fallbacks (-1, -2, -1000): what the metric-health ranking counts as failures. */
  failedKeyIds: number[];
}

/** Pairs `values` with their key ids (`keyIds[i]` is the id of the leaf `values[i]`), by id. */
export function orderByKeyId(keyIds: readonly number[], values: readonly number[]): PingMetricValues {
  const order = keyIds.map((_, i) => i).sort((a, b) => keyIds[a]! - keyIds[b]!);
  const sorted: PingMetricValues = { keyIds: [], values: [], failedKeyIds: [] };
  for (const i of order) {
    sorted.keyIds.push(keyIds[i]!);
    sorted.values.push(values[i]!);
    if (values[i]! < 0) sorted.failedKeyIds.push(keyIds[i]!);
  }
  return sorted;
}

/** A PostgreSQL array literal of finite numbers (`{1,-2,0.5}`), for a bound `?::float8[]` parameter. */
export function toArrayLiteral(numbers: readonly number[]): string {
  return `{${numbers.join(',')}}`;
}
