import { NumericLeaves } from './numeric-leaves';

/**
 * Structural checks on a parsed JSON document, run before schema validation. JSON.parse itself
 * accepts all three of these: `1e999` parses to Infinity, `"__proto__"` becomes an own key that a
 * later spread or deep-merge turns into prototype pollution, and nesting is unbounded. Strings
 * with NUL or a lone UTF-16 surrogate parse too, but PostgreSQL refuses them in text and jsonb, so
 * they are refused here rather than failing the insert with a 500.
 */
export const MAX_JSON_DEPTH = 32;
/**
 * The largest magnitude a number may have: 2^63, the range of PostgreSQL's bigint, in which GitLab
 * keeps every count. Anything larger is not a measurement, and the bound keeps every sum, average
 * and per-user division over stored values finite in float8. (A double cannot tell 2^63 - 1 from
 * 2^63; the payload keeps the digits as sent.)
 */
export const MAX_ABS_NUMBER = 2 ** 63;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonGuardReason =
  | 'forbidden_key'
  | 'non_finite_number'
  | 'number_out_of_range'
  | 'too_deep'
  | 'too_many_keys'
  | 'invalid_string';

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

/**
 * The most digits a number's scale may have in PostgreSQL's numeric, and so in jsonb: digits after
 * the point minus the exponent (`0.5e-3` has scale 4). Past it jsonb refuses the number ("value
 * overflows numeric format"), while JSON.parse reads it (as 0, or a rounded double).
 */
const NUMERIC_MAX_SCALE = 16383;

/**
 * Whether JSON text may hold a number jsonb cannot read (scale above 16383). Such a number has
 * more than 8191 digits after its point, or a negative exponent of at least 4 digits: with neither,
 * its scale is at most 8191 + 999. Conservative (a string holding such text also answers true),
 * and three indexOf scans (`.`, `e-`, `E-`), so it costs a few microseconds on a 62 KB body. Versions stores the payload as `json`, which does not parse numbers; a body that answers
 * true is checked by PostgreSQL before it is stored, so that `payload::jsonb` reads every row.
 */
export function mayHoldNumberJsonbRefuses(jsonText: string): boolean {
  const longestFraction = (NUMERIC_MAX_SCALE - 1) / 2;
  for (let dot = jsonText.indexOf('.'); dot !== -1; dot = jsonText.indexOf('.', dot + 1)) {
    let end = dot + 1;
    while (end < jsonText.length && isDigit(jsonText.charCodeAt(end))) end += 1;
    if (end - dot - 1 > longestFraction) return true;
  }
  // A number token ends at `,`, `}`, `]`, whitespace or the end of the text; requiring it keeps
  // uuids such as `…3e-4123-…` from matching.
  return hasLongNegativeExponent(jsonText, 'e-') || hasLongNegativeExponent(jsonText, 'E-');
}

function hasLongNegativeExponent(jsonText: string, marker: 'e-' | 'E-'): boolean {
  for (let at = jsonText.indexOf(marker); at !== -1; at = jsonText.indexOf(marker, at + 1)) {
    if (at > 0 && LONG_NEGATIVE_EXPONENT.test(jsonText.slice(at - 1, at + MAX_EXPONENT_PROBE))) return true;
  }
  return false;
}

/** A digit, the exponent marker, then 4 digits or more and the end of the token. */
const LONG_NEGATIVE_EXPONENT = /^\d[eE]-\d{4,}(?:[\s,}\]]|$)/;
/** Characters of the text a candidate exponent is tested on; longer exponents are cut at it. */
const MAX_EXPONENT_PROBE = 64;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export interface JsonGuardOptions {
  maxDepth?: number;
  /** Object keys plus array elements, counted over the whole document; the walk stops past it. */
  maxKeys?: number;
  /** false when the source text proves no string can be unstorable (see mayContainUnstorableText). */
  checkStrings?: boolean;
}

export interface JsonGuardViolation {
  reason: JsonGuardReason;
  /** JSON pointer of the offending node, e.g. `/counts/__proto__`. */
  path: string;
  message: string;
}

/** What one walk of a parsed document finds: every guard violation, and its numeric leaves. */
export interface JsonDocumentInspection {
  violations: JsonGuardViolation[];
  /** Meaningful only without violations (the walk stops early at some). */
  leaves: NumericLeaves;
}

/** Objects inside arrays are walked for the guards but hold no metric values. */
const INSIDE_ARRAY = -1;

/**
 * Walks `doc` once, returning every violation and the numeric leaves the metric key trie resolves
 * (so the ping is not walked a second time). Descent stops below a node that is already too deep.
 * The root is depth 0; a value inside 32 nested containers is at depth 32 and accepted. Recursion
 * is safe because it never goes deeper than `maxDepth` + 1 frames. The walk runs on every ingested
 * body (thousands of leaves), so a node's JSON pointer is only built when that node is a violation:
 * the keys leading to it are kept on one shared stack instead.
 */
export function inspectJsonDocument(doc: unknown, options: JsonGuardOptions = {}): JsonDocumentInspection {
  const { maxDepth = MAX_JSON_DEPTH, maxKeys = Infinity, checkStrings = true } = options;
  let keyCount = 0;
  const violations: JsonGuardViolation[] = [];
  const leaves = new NumericLeaves();
  const keys: string[] = [];
  const report = (reason: JsonGuardReason, message: string) =>
    violations.push({ reason, path: keys.map((k) => `/${escapePointer(k)}`).join(''), message });

  /** `object` is the node's index in `leaves` when it is an object reached through objects alone. */
  const walk = (node: unknown, depth: number, object: number): void => {
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) report('non_finite_number', 'number is not finite');
      else if (Math.abs(node) > MAX_ABS_NUMBER)
        report('number_out_of_range', 'number is beyond ±2^63 (the bigint range)');
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
    const members = Array.isArray(node) ? node : Object.keys(node);
    keyCount += members.length;
    if (keyCount > maxKeys) {
      // Reported once, where the count first passed the limit; the rest is not walked.
      if (keyCount - members.length <= maxKeys)
        report('too_many_keys', `more than ${maxKeys} keys and array elements in the document`);
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        keys.push(String(i));
        walk(node[i], depth + 1, INSIDE_ARRAY);
        keys.pop();
      }
      return;
    }
    for (const key of members as string[]) {
      keys.push(key);
      if (FORBIDDEN_KEYS.has(key)) report('forbidden_key', `key ${key} is not allowed`);
      else if (checkStrings && UNSTORABLE_TEXT.test(key))
        report('invalid_string', 'key contains NUL or a lone surrogate');
      else {
        const value = (node as Record<string, unknown>)[key];
        let child = INSIDE_ARRAY;
        if (object !== INSIDE_ARRAY) {
          if (typeof value === 'number') leaves.addLeaf(object, key, value);
          else if (isPlainObject(value)) child = leaves.addObject(object, key);
        }
        walk(value, depth + 1, child);
      }
      keys.pop();
    }
  };
  walk(doc, 0, isPlainObject(doc) ? leaves.addObject(-1, '') : INSIDE_ARRAY);
  return { violations, leaves };
}

function isPlainObject(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
