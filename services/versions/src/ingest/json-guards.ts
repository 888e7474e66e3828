/**
 * Structural checks on a parsed JSON document, run before schema validation. JSON.parse itself
 * accepts all three of these: `1e999` parses to Infinity, `"__proto__"` becomes an own key that a
 * later spread or deep-merge turns into prototype pollution, and nesting is unbounded. Strings
 * with NUL or a lone UTF-16 surrogate parse too, but PostgreSQL refuses them in text and jsonb, so
 * they are refused here rather than failing the insert with a 500.
 */
export const MAX_JSON_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonGuardReason = 'forbidden_key' | 'non_finite_number' | 'too_deep' | 'invalid_string';

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// NUL is exactly what this pattern looks for.
// eslint-disable-next-line no-control-regex
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether JSON text can parse to a string holding NUL or a lone surrogate. Only an escape can
 * produce one: a raw control character is a JSON syntax error, and text decoded from UTF-8 never
 * holds a lone surrogate (the decoder replaces invalid bytes). So without a `\u0000` or
 * `\uD800`–`\uDFFF` escape the walk can skip testing every key and string. (An escaped backslash
 * followed by `u0000` also matches: that only costs the full check, never misses one.)
 */
export function mayContainUnstorableText(jsonText: string): boolean {
  return /\\u(?:0000|[dD][89a-fA-F])/.test(jsonText);
}

export interface JsonGuardOptions {
  maxDepth?: number;
  /** false when the source text proves no string can be unstorable (see mayContainUnstorableText). */
  checkStrings?: boolean;
}

export interface JsonGuardViolation {
  reason: JsonGuardReason;
  /** JSON pointer of the offending node, e.g. `/counts/__proto__`. */
  path: string;
  message: string;
}

/**
 * Walks `doc` and returns every violation, stopping descent below a node that is already too
 * deep. The root is depth 0; a value inside 32 nested containers is at depth 32 and accepted.
 * Recursion is safe because it never goes deeper than `maxDepth` + 1 frames. The walk runs on
 * every ingested body (thousands of leaves), so a node's JSON pointer is only built when that node
 * is a violation: the keys leading to it are kept on one shared stack instead.
 */
export function findJsonGuardViolations(doc: unknown, options: JsonGuardOptions = {}): JsonGuardViolation[] {
  const { maxDepth = MAX_JSON_DEPTH, checkStrings = true } = options;
  const violations: JsonGuardViolation[] = [];
  const keys: string[] = [];
  const report = (reason: JsonGuardReason, message: string) =>
    violations.push({ reason, path: keys.map((k) => `/${escapePointer(k)}`).join(''), message });

  const walk = (node: unknown, depth: number): void => {
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) report('non_finite_number', 'number is not finite');
      return;
    }
    if (typeof node === 'string') {
      if (checkStrings && UNSTORABLE_TEXT.test(node))
        report('invalid_string', 'string contains NUL or a lone surrogate');
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth >= maxDepth) {
      report('too_deep', `nesting deeper than ${maxDepth} levels`);
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        keys.push(String(i));
        walk(node[i], depth + 1);
        keys.pop();
      }
      return;
    }
    for (const key of Object.keys(node)) {
      keys.push(key);
      if (FORBIDDEN_KEYS.has(key)) report('forbidden_key', `key ${key} is not allowed`);
      else if (checkStrings && UNSTORABLE_TEXT.test(key))
        report('invalid_string', 'key contains NUL or a lone surrogate');
      else walk((node as Record<string, unknown>)[key], depth + 1);
      keys.pop();
    }
  };
  walk(doc, 0);
  return violations;
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
