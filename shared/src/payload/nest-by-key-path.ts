import { ServpingError } from '../errors';
import type { MetricValue } from './metric-result';

/** A nested payload object: GitLab's usage data hash. */
export type PayloadObject = { [key: string]: MetricValue };

/**
 * Two key paths cannot both be placed: one equals the other or is a prefix of it
 * (`counts.issues` holds a number, so `counts.issues.open` has nowhere to go).
 */
export class KeyPathConflictError extends ServpingError {
  constructor(
    readonly first: string,
    readonly second: string,
  ) {
    super('SERVPING_AGGREGATION', `key_path ${second} conflicts with key_path ${first}`);
  }
}

// Segments that would reach Object.prototype when used as a property name on a plain object.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Builds the nested payload from `[key_path, value]` entries: `a.b.c = 1` becomes
 * `{ a: { b: { c: 1 } } }`. A value is always a leaf, even when it is an object (grouped counts),
 * so a key path below another metric's value is a conflict, not a merge.
 * Throws `KeyPathConflictError` naming both paths; throws `ServpingError` for an empty segment.
 */
export function nestByKeyPath(entries: Iterable<readonly [string, MetricValue]>): PayloadObject {
  const root: PayloadObject = {};
  // Every placed node with the key path that placed it (a leaf: its own path; a branch: the first
  // path through it), so a conflict message names a real metric on both sides.
  const placed = new Map<string, { keyPath: string; leaf: boolean }>();
  for (const [keyPath, value] of entries) {
    const segments = splitKeyPath(keyPath);
    let node = root;
    let prefix = '';
    segments.forEach((segment, i) => {
      prefix = prefix ? `${prefix}.${segment}` : segment;
      const leaf = i === segments.length - 1;
      const existing = placed.get(prefix);
      if (existing && (leaf || existing.leaf)) throw new KeyPathConflictError(existing.keyPath, keyPath);
      if (leaf) {
        node[segment] = value;
      } else if (!existing) {
        node[segment] = {};
      }
      if (!existing) placed.set(prefix, { keyPath, leaf });
      if (!leaf) node = node[segment] as PayloadObject;
    });
  }
  return root;
}

function splitKeyPath(keyPath: string): string[] {
  const segments = keyPath.split('.');
  for (const segment of segments) {
    if (segment === '' || FORBIDDEN_SEGMENTS.has(segment)) {
      throw new ServpingError('SERVPING_AGGREGATION', `invalid key_path ${JSON.stringify(keyPath)}`);
    }
  }
  return segments;
}
