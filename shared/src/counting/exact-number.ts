import { ServpingError } from '../errors';

/** A decimal kept exact: `units / 10^scale` (a sum of a numeric column, e.g. 12.50 → 1250 / 10²). */
export interface ExactDecimal {
  units: bigint;
  scale: number;
}

/**
 * An aggregate value kept exact across batches and shards: integers (counts, sums of integer
 * columns) as bigint whatever their size, numeric sums as exact decimals, and only float sums
 * (float4/float8 columns, inexact in PostgreSQL too) as a JS number. PostgreSQL returns
 * SUM(bigint) and SUM(numeric) as numeric text; a JS number would round them.
 */
export type ExactNumber = bigint | ExactDecimal | number;

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^(-?)(\d+)\.(\d+)$/;

/**
 * The exact value of an aggregate column as `pg` returns it: integer text becomes a bigint,
 * decimal text an ExactDecimal (an integral one a bigint), a JS number stays a float unless it is
 * a safe integer. Throws SERVPING_AGGREGATION for anything else (a bug, not data).
 */
export function exactFromSql(raw: unknown, column: string): ExactNumber {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return Number.isSafeInteger(raw) ? BigInt(raw) : raw;
  if (typeof raw === 'string') {
    const parsed = parseDecimalText(raw);
    if (parsed !== null) return parsed;
    const value = Number(raw);
    // Non-decimal text a float8 column may give: exponents ("1e+20"), Infinity is refused below.
    if (raw.trim() !== '' && Number.isFinite(value)) return value;
  }
  throw new ServpingError(
    'SERVPING_AGGREGATION',
    `batch row column ${column} is not a number: ${String(raw)}`,
  );
}

/**
 * An integer as `pg` returns one (int2/int4 as a number, int8 and numeric as text) as a bigint;
 * null for anything else (a fraction, a float, NULL). Batch-column values and bounds are read so.
 */
export function integerFromSql(raw: unknown): bigint | null {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? BigInt(raw) : null;
  return typeof raw === 'string' && INTEGER_TEXT.test(raw) ? BigInt(raw) : null;
}

/** a + b, exact while neither is a float. */
export function addExact(a: ExactNumber, b: ExactNumber): ExactNumber {
  if (typeof a === 'number' || typeof b === 'number') return exactToFloat(a) + exactToFloat(b);
  const [x, y] = [asDecimal(a), asDecimal(b)];
  const scale = Math.max(x.scale, y.scale);
  return normalise({ units: rescale(x, scale) + rescale(y, scale), scale });
}

/**
 * The payload form: a JS number when the value is one exactly (or is a float or decimal, which
 * the payload carries as the nearest float, as PostgreSQL's own numeric output read by JSON.parse
 * would be), else the integer's decimal digits as a string. JSON numbers past 2⁵³ are rounded by
 * every JSON.parse on their way (BullMQ, the aggregator, Versions), so the digits travel as text
 * rather than be silently wrong.
 */
export function exactToValue(value: ExactNumber): number | string {
  if (typeof value !== 'bigint') return exactToFloat(value);
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}

/** The JSON-safe form between jobs: integers and decimals as their text, floats as numbers. */
export function exactToWire(value: ExactNumber): string | number {
  if (typeof value === 'number') return value;
  return typeof value === 'bigint' ? value.toString() : decimalText(value);
}

/** `exactToWire` reversed; throws SERVPING_AGGREGATION for a malformed value. */
export function exactFromWire(wire: unknown): ExactNumber {
  if (typeof wire === 'number' && Number.isFinite(wire)) return wire;
  const parsed = typeof wire === 'string' ? parseDecimalText(wire) : null;
  if (parsed !== null) return parsed;
  throw new ServpingError(
    'SERVPING_AGGREGATION',
    `a partial value is neither decimal text nor a number: ${String(wire)}`,
  );
}

function parseDecimalText(text: string): bigint | ExactDecimal | null {
  if (INTEGER_TEXT.test(text)) return BigInt(text);
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction] = match as unknown as [string, string, string, string];
  return normalise({ units: BigInt(`${sign}${whole}${fraction}`), scale: fraction.length });
}

function asDecimal(value: bigint | ExactDecimal): ExactDecimal {
  return typeof value === 'bigint' ? { units: value, scale: 0 } : value;
}

function rescale(value: ExactDecimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** Trailing zeros dropped; a decimal with nothing after the point is a bigint. */
function normalise(value: ExactDecimal): bigint | ExactDecimal {
  let { units, scale } = value;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return scale === 0 ? units : { units, scale };
}

function decimalText({ units, scale }: ExactDecimal): string {
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  return `${units < 0n ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** The nearest float. */
export function exactToFloat(value: ExactNumber): number {
  if (typeof value === 'number') return value;
  return typeof value === 'bigint' ? Number(value) : Number(decimalText(value));
}
