/**
 * SQL expressions for deterministic pseudo-random values. Every value is a pure function of
 * (seed, table, column, row id) through PostgreSQL's `hashint8extended(id, salt)`, so a row's
 * content does not depend on generation order, chunking or parallelism, and a column of another
 * table can be recomputed for any id (a build finds its pipeline's project without a join).
 * The SQL contains only numeric literals computed here and trusted expressions of the seeder.
 */
import { RowValues } from './row-values-sql';

/** 2^52: uniform doubles take the top 52 bits of the 64-bit hash. */
const MANTISSA = 4503599627370496;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = (1n << 64n) - 1n;

/** 64-bit FNV-1a of `seed:table:column` as a signed bigint literal: the hash salt of one column. */
export function columnSalt(seed: number, table: string, column: string): string {
  let hash = FNV_OFFSET;
  for (const byte of Buffer.from(`${seed}:${table}:${column}`, 'utf8')) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & U64;
  }
  return BigInt.asIntN(64, hash).toString();
}

/**
 * Random expressions of one table for one seed. `id` is any SQL bigint expression. Given the
 * generator's {@link RowValues}, a uniform of the row's own id ({@link RowValues.ID}) is hashed
 * once per row in the inner SELECT however many expressions use it; other ids (a foreign row's)
 * are hashed inline.
 */
export class TableRandom {
  constructor(
    private readonly seed: number,
    private readonly table: string,
    private readonly rowValues?: RowValues,
  ) {}

  /** Uniform double in [0, 1) for `column` of row `id`. */
  uniform(column: string, id: string): string {
    const salt = columnSalt(this.seed, this.table, column);
    const hashed = (of: string) =>
      `((((hashint8extended(${of}, ${salt}) >> 11) & ${MANTISSA - 1})::float8 / ${MANTISSA}.0))`;
    return this.rowValues && id === RowValues.ID
      ? this.rowValues.once(hashed(RowValues.INNER_ID))
      : hashed(id);
  }

  /** Integer in 1..n, uniform. */
  pick(column: string, id: string, n: number): string {
    return `(1 + floor(${n} * ${this.uniform(column, id)}))::bigint`;
  }

  /**
   * Integer in 1..n with a power-law skew: P(value = 1) = n^(-1/power), so with power 3 a handful
   * of ids (the "huge projects") receive a large share of rows and most ids receive few.
   */
  skewed(column: string, id: string, n: number, power: number): string {
    return `(1 + floor(${n} * power(${this.uniform(column, id)}, ${power})))::bigint`;
  }

  /** True with probability p. */
  chance(column: string, id: string, p: number): string {
    return `(${this.uniform(column, id)} < ${p})`;
  }

  /**
   * One of `options` (SQL literals of one type) with the given weights (summing to 1): one
   * uniform value compared with the cumulative weights, the first option whose bound exceeds it.
   * A CASE over a per-row value costs a few comparisons, where width_bucket over array
   * constructors would build two arrays per row for the same answer.
   */
  choice(column: string, id: string, options: ReadonlyArray<readonly [string, number]>): string {
    const last = options[options.length - 1];
    if (last === undefined) throw new RangeError(`choice for ${this.table}.${column} needs options`);
    const u = this.uniform(column, id);
    let cumulative = 0;
    const branches = options
      .slice(0, -1)
      .map(([value, weight]) => `WHEN ${u} < ${(cumulative += weight).toFixed(6)} THEN ${value}`);
    return branches.length === 0 ? last[0] : `CASE ${branches.join(' ')} ELSE ${last[0]} END`;
  }
}

/** Seconds in the ~3 years of history the demo spans. */
export const HISTORY_S = 3 * 365 * 86_400;

/**
 * created_at of row `id` out of `count`: increasing with id (as with real serial ids) along a
 * square-root curve, so the instance grows over time and recent weeks hold more rows than old
 * ones. `$1` is the run's fixed `now`.
 */
export function createdAtSql(random: TableRandom, id: string, count: number): string {
  const position = `sqrt(greatest(${id} - ${random.uniform('created_at', id)}, 0) / ${count}.0)`;
  return `($1::timestamptz - make_interval(secs => ${HISTORY_S} * (1 - ${position})))`;
}

/** A timestamp up to `maxSeconds` after `from`, never later than `now`. */
export function laterSql(random: TableRandom, column: string, id: string, from: string, maxSeconds: number) {
  return `least($1::timestamptz, ${from} + make_interval(secs => ${maxSeconds} * ${random.uniform(column, id)}))`;
}
