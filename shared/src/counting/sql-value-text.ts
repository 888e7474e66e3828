/**
 * A value as pg returned it, as text for a group key or an error message: `String(raw)`, as before,
 * except a plain object (a json column), which String would print as "[object Object]": that one
 * is shown as JSON.
 */
export function sqlValueText(raw: unknown): string {
  if (isPlainObject(raw)) return JSON.stringify(raw);
  return String(raw);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
