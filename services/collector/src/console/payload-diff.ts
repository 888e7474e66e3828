import { DISTRIBUTED_HLL_FALLBACK, FALLBACK } from '@servping/shared';

/** A stored payload as the diff reads it: the JSON and its timings metadata (metric names, errors). */
export interface DiffSide {
  payload: Record<string, unknown>;
  metrics: readonly { name: string; error?: string }[];
}

export interface PayloadDiff {
  added: { keyPath: string; value: unknown }[];
  removed: { keyPath: string; value: unknown }[];
  changed: { keyPath: string; from: unknown; to: unknown }[];
  /** Metrics that had a value and now report a fallback, with the error the metadata gives. */
  fellBack: { keyPath: string; from: unknown; to: unknown; error?: string }[];
  unchanged: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * GitLab's fallbacks: -1 (`FALLBACK`), -2 (`DISTRIBUTED_HLL_FALLBACK`) and the histogram's
 * `{"-1": -1}`. A metric whose metadata carries an error is a fallback whatever its value.
 */
export function isFallback(value: unknown, error?: string): boolean {
  if (error !== undefined) return true;
  if (value === FALLBACK || value === DISTRIBUTED_HLL_FALLBACK) return true;
  return isObject(value) && Object.keys(value).length === 1 && value['-1'] === FALLBACK;
}

/**
 * The payload as key_path → value. A metric's value (a histogram or grouped count is an object)
 * stays whole at its key_path; everything else, facts included, is split down to its scalars.
 */
export function flattenPayload(payload: Record<string, unknown>, metricKeyPaths: ReadonlySet<string>) {
  const leaves = new Map<string, unknown>();
  const walk = (node: unknown, keyPath: string) => {
    if (
      keyPath !== '' &&
      (metricKeyPaths.has(keyPath) || !isObject(node) || Object.keys(node).length === 0)
    ) {
      leaves.set(keyPath, node);
      return;
    }
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      walk(child, keyPath === '' ? key : `${keyPath}.${key}`);
    }
  };
  walk(payload, '');
  return leaves;
}

/** Structural equality of JSON values (key order ignored, as jsonb ignores it). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
}

/**
 * What changed from `before` (the last payload sent) to `after` (the preview): key paths added,
 * removed, changed (old → new), and metrics that turned into a fallback, each list by key_path.
 */
export function diffPayloads(before: DiffSide, after: DiffSide): PayloadDiff {
  const metricNames = new Set([...before.metrics, ...after.metrics].map((m) => m.name));
  const errors = new Map(after.metrics.filter((m) => m.error !== undefined).map((m) => [m.name, m.error]));
  const beforeErrors = new Map(before.metrics.map((m) => [m.name, m.error]));
  const old = flattenPayload(before.payload, metricNames);
  const now = flattenPayload(after.payload, metricNames);
  const diff: PayloadDiff = { added: [], removed: [], changed: [], fellBack: [], unchanged: 0 };
  for (const [keyPath, value] of now) {
    if (!old.has(keyPath)) {
      diff.added.push({ keyPath, value });
      continue;
    }
    const from = old.get(keyPath);
    const error = errors.get(keyPath);
    if (isFallback(value, error) && !isFallback(from, beforeErrors.get(keyPath))) {
      diff.fellBack.push({ keyPath, from, to: value, ...(error === undefined ? {} : { error }) });
    } else if (sameJson(from, value)) {
      diff.unchanged += 1;
    } else {
      diff.changed.push({ keyPath, from, to: value });
    }
  }
  for (const [keyPath, value] of old) if (!now.has(keyPath)) diff.removed.push({ keyPath, value });
  const byKeyPath = (a: { keyPath: string }, b: { keyPath: string }) => (a.keyPath < b.keyPath ? -1 : 1);
  for (const list of [diff.added, diff.removed, diff.changed, diff.fellBack]) list.sort(byKeyPath);
  return diff;
}
