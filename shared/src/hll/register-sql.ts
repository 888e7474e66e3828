/**
 * The per-batch SELECT that turns one primary-key range of a table into HLL registers inside
 * PostgreSQL, so only one text of ≤ 16 384 `reg:w` pairs (or ≤ 512 GitLab rows) travels to the
 * worker per batch.
 */
import { HLL_PRECISION, HLL_REGISTER_COUNT } from './registers';

/** `servping`: 64-bit built-in hash, p = 14; `gitlab`: GitLab's md5 shape, 512 buckets. */
export type HllMode = 'servping' | 'gitlab';
/**
 * The SQL type family of the counted expression; it picks the hash function. `integer` means
 * smallint, integer or bigint only (numeric has no implicit cast to bigint: use `other`).
 */
export type HashableType = 'integer' | 'text' | 'uuid' | 'other';

/** Persisted next to every servping sketch: hash family, seed, precision and rank convention. */
export const SERVPING_SKETCH_FORMAT_ID = 'pg-hashextended-p14-v1';

const VALUE_MASK = (2n ** BigInt(64 - HLL_PRECISION) - 1n).toString();

/**
 * The hash expression per type. `hashint8extended` folds an int8 to 32 bits first (hi ^ lo), so it
 * is collision-free only for ids in [0, 2^32) (research/hll.md §4); larger or negative ids take
 * their decimal text instead. Measured on PG 15 over 1e6 rows (PK batch, min(w) GROUP BY): this
 * CASE 176 ms vs 227 ms for hashtextextended(id::text) on every row, so the CASE stays. The price:
 * an id stored as text hashes differently from the same id stored as integer, so only sketches of
 * the same type family may be unioned (int4 and int8 are the same family). uuid hashes its 16 bytes.
 */
function servpingHash(valueSql: string, valueType: HashableType): string {
  switch (valueType) {
    case 'text':
      return `hashtextextended(${valueSql}, 0)`;
    case 'uuid':
      return `uuid_hash_extended(${valueSql}, 0)`;
    case 'integer':
      return (
        `CASE WHEN ${valueSql} >= 0 AND ${valueSql} < 4294967296 ` +
        `THEN hashint8extended(${valueSql}, 0) ELSE hashtextextended((${valueSql})::text, 0) END`
      );
    case 'other':
      return `hashtextextended((${valueSql})::text, 0)`;
  }
}

/**
 * SQL returning one row `registers` = `"reg:w,…"` in servping mode (`applyRegisterText`), or rows
 * `(bucket_num, bucket_hash)` in gitlab mode.
 * `valueSql` must already be a safe, quoted expression and `fromWhereSql` the rest of the statement
 * (`FROM … WHERE …`, with the caller's batch range, filters and `IS NOT NULL`); neither is
 * validated here. Servping mode takes `reg` = low 14 bits of the hash and `w` = min of the next 50
 * bits per register; the rank is computed in TypeScript (`applyRegisterText`), because a numeric
 * `log` per group costs ~9 µs × 16 384 groups per batch (research/hll.md §4).
 */
export function registerQuery(opts: {
  mode: HllMode;
  valueSql: string;
  valueType: HashableType;
  fromWhereSql: string;
}): string {
  if (opts.mode === 'gitlab') return gitlabQuery(opts.valueSql, opts.fromWhereSql);
  const hash = servpingHash(opts.valueSql, opts.valueType);
  return [
    "SELECT string_agg(reg::text || ':' || w::text, ',') AS registers FROM (",
    `  SELECT (h & ${HLL_REGISTER_COUNT - 1})::int AS reg, min((h >> ${HLL_PRECISION}) & ${VALUE_MASK}) AS w`,
    `  FROM (SELECT ${hash} AS h ${opts.fromWhereSql}) AS hashed_values`,
    '  GROUP BY 1',
    ') AS register_minima',
  ].join('\n');
}

/**
 * GitLab's exact statement (`batch_distinct_counter.rb`, newest: MATERIALIZED CTE), so the numbers
 * match GitLab's to the last digit, including its failure on a zero hash ("cannot take logarithm
 * of zero", probability 2^-31 per value).
 */
function gitlabQuery(valueSql: string, fromWhereSql: string): string {
  return [
    'WITH hashed_attributes AS MATERIALIZED (',
    `  SELECT CAST(('X' || md5(CAST(${valueSql} AS text))) AS bit(32)) AS attr_hash_32_bits ${fromWhereSql}`,
    ')',
    "SELECT (attr_hash_32_bits & B'00000000000000000000000111111111')::int AS bucket_num,",
    "  (31 - floor(log(2, min((attr_hash_32_bits & B'01111111111111111111111111111111')::int))))::int AS bucket_hash",
    'FROM hashed_attributes',
    'GROUP BY 1',
  ].join('\n');
}
