/** Number formats shared by the bench's Markdown and SVG reports (pure). */

/** Milliseconds as seconds with one decimal: 21 700 → "21.7 s". */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A number with `digits` decimals, "—" where there is none. */
export const fixed = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);

/** A count in millions with two decimals: 12 900 000 → "12.90 M". */
export const millions = (n: number) => `${(n / 1e6).toFixed(2)} M`;

/** A count with thousands separators: 1506 → "1,506". */
export const count = (n: number) => Math.round(n).toLocaleString('en-US');
