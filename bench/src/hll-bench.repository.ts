/**
 * The HLL section: servping's p=14 register statement against GitLab's md5/512-bucket statement
 * on identical primary-key batches of one table, and both estimates against the exact
 * COUNT(DISTINCT). The statements are the engine's own (`buildBatchStatement` on an
 * estimate_distinct_count query), batched by the shared loop at the engine's default batch size.
 *
 * The table holds ids 1..N with v = id·2654435761 mod 2³² (a bijection, so a range of c ids has
 * exactly c distinct values, spread over the whole integer range like real foreign keys).
 */
import { Client } from 'pg';
import {
  bindBatch,
  buildBatchStatement,
  countInBatches,
  DEFAULT_BATCH_SIZES,
  finalValue,
  partialFromRows,
  type DatabaseQuery,
  type HllHashing,
} from '@servping/shared';
import { summarizeErrors, type ErrorSample, type ErrorSummary } from './error-stats';

const TABLE = 'servping_bench_hll';
/** Disjoint ranges measured per cardinality (fewer when the table holds fewer). */
const MAX_TRIALS = 20;

const QUERY: DatabaseQuery = {
  operation: 'estimate_distinct_count',
  table: TABLE,
  primaryKey: 'id',
  column: { table: TABLE, column: 'v' },
  joins: [],
  filters: [],
  timestampColumn: { table: TABLE, column: 'id' },
};

const HASHING: Record<'servping' | 'gitlab', HllHashing> = {
  servping: { mode: 'servping', valueType: 'integer' },
  gitlab: { mode: 'gitlab', valueType: 'other' },
};

export interface HllCardinalityResult {
  cardinality: number;
  trials: number;
  servping: ErrorSummary;
  gitlab: ErrorSummary;
}

/** Both statements over the whole table at one batch size. */
export interface HllSpeedResult {
  batchSize: number;
  statements: number;
  servpingMs: number;
  gitlabMs: number;
  /** Rows the statements returned to the driver (registers or buckets per batch). */
  servpingRows: number;
  gitlabRows: number;
  speedup: number;
}

export interface HllBenchResult {
  tableRows: number;
  batchSize: number;
  /** Total SQL time of each algorithm over the same batches of every trial. */
  rowsHashed: number;
  servpingSqlMs: number;
  gitlabSqlMs: number;
  exactSqlMs: number;
  /** gitlabSqlMs / servpingSqlMs. */
  speedup: number;
  cardinalities: HllCardinalityResult[];
  servpingError: ErrorSummary;
  gitlabError: ErrorSummary;
  /**
   * The statements alone over the whole table at growing batch sizes: at the engine's 10 000 a
   * p=14 batch returns thousands of registers, so shipping them weighs as much as hashing;
   * larger batches show the hashing cost itself.
   */
  speedByBatchSize: HllSpeedResult[];
}

/** The batch sizes of the speed table: the engine's default and tenfold steps up to the table. */
export function speedBatchSizes(tableRows: number, engineDefault: number): number[] {
  const sizes: number[] = [];
  for (let size = engineDefault; size <= tableRows; size *= 10) sizes.push(size);
  return sizes.length > 0 ? sizes : [engineDefault];
}

/** 10³, 10⁴, … up to and including `max`. */
export function cardinalitiesUpTo(max: number): number[] {
  const out: number[] = [];
  for (let c = 1_000; c <= max; c *= 10) out.push(c);
  return out;
}

export async function runHllBench(url: string, maxCardinality: number): Promise<HllBenchResult> {
  const client = new Client({ connectionString: url, application_name: 'servping-bench-hll' });
  await client.connect();
  try {
    await ensureHllTable(client, maxCardinality);
    // Warm the buffer cache so the first algorithm measured does not pay for the disk reads.
    await client.query(`SELECT count(v) FROM ${TABLE}`);
    const batchSize = DEFAULT_BATCH_SIZES.estimate_distinct_count;
    const statements = {
      servping: buildBatchStatement(QUERY, null, HASHING.servping),
      gitlab: buildBatchStatement(QUERY, null, HASHING.gitlab),
    };
    const sqlMs = { servping: 0, gitlab: 0, exact: 0 };
    const samples = { servping: [] as ErrorSample[], gitlab: [] as ErrorSample[] };
    const perCardinality: HllCardinalityResult[] = [];
    let rowsHashed = 0;

    const estimateWith = async (mode: 'servping' | 'gitlab', start: number, finish: number) => {
      const statement = statements[mode];
      const partial = await countInBatches(
        { operation: 'estimate_distinct_count', start: BigInt(start), finish: BigInt(finish), batchSize },
        async (batchStart, batchEnd) => {
          const began = performance.now();
          const { rows } = await client.query({
            text: statement.text,
            values: bindBatch(statement, batchStart, batchEnd),
          });
          sqlMs[mode] += performance.now() - began;
          return partialFromRows(QUERY, rows, mode);
        },
      );
      return finalValue(partial) as number;
    };

    for (const cardinality of cardinalitiesUpTo(maxCardinality)) {
      const trials = Math.min(MAX_TRIALS, Math.floor(maxCardinality / cardinality));
      const mine = { servping: [] as ErrorSample[], gitlab: [] as ErrorSample[] };
      for (let trial = 0; trial < trials; trial++) {
        const start = 1 + trial * cardinality;
        const finish = start + cardinality;
        const began = performance.now();
        const { rows } = await client.query<{ exact: string }>(
          `SELECT COUNT(DISTINCT v) AS exact FROM ${TABLE} WHERE id >= $1 AND id < $2`,
          [start, finish],
        );
        sqlMs.exact += performance.now() - began;
        const exact = Number(rows[0]?.exact);
        // Alternate which algorithm goes first so neither always profits from the other's cache.
        const order: Array<'servping' | 'gitlab'> =
          trial % 2 === 0 ? ['servping', 'gitlab'] : ['gitlab', 'servping'];
        for (const mode of order) {
          mine[mode].push({ cardinality, exact, estimate: await estimateWith(mode, start, finish) });
        }
        rowsHashed += cardinality;
      }
      samples.servping.push(...mine.servping);
      samples.gitlab.push(...mine.gitlab);
      perCardinality.push({
        cardinality,
        trials,
        servping: summarizeErrors(mine.servping),
        gitlab: summarizeErrors(mine.gitlab),
      });
    }
    const round = (n: number) => Math.round(n * 10) / 10;
    const speedByBatchSize: HllSpeedResult[] = [];
    for (const size of speedBatchSizes(maxCardinality, batchSize)) {
      const speed = { servping: { ms: 0, rows: 0 }, gitlab: { ms: 0, rows: 0 } };
      let count = 0;
      for (let start = 1; start <= maxCardinality; start += size) {
        count += 1;
        const order: Array<'servping' | 'gitlab'> =
          count % 2 === 0 ? ['gitlab', 'servping'] : ['servping', 'gitlab'];
        for (const mode of order) {
          const began = performance.now();
          const { rows } = await client.query<{ registers?: string | null }>({
            text: statements[mode].text,
            values: bindBatch(statements[mode], BigInt(start), BigInt(start + size)),
          });
          speed[mode].ms += performance.now() - began;
          // servping packs its registers into one text per batch: count the pairs, not the row.
          const packed = mode === 'servping' ? rows[0]?.registers : undefined;
          speed[mode].rows += mode === 'servping' ? (packed ? packed.split(',').length : 0) : rows.length;
        }
      }
      speedByBatchSize.push({
        batchSize: size,
        statements: count,
        servpingMs: round(speed.servping.ms),
        gitlabMs: round(speed.gitlab.ms),
        servpingRows: speed.servping.rows,
        gitlabRows: speed.gitlab.rows,
        speedup: Math.round((speed.gitlab.ms / speed.servping.ms) * 100) / 100,
      });
    }
    return {
      tableRows: maxCardinality,
      batchSize,
      rowsHashed,
      servpingSqlMs: round(sqlMs.servping),
      gitlabSqlMs: round(sqlMs.gitlab),
      exactSqlMs: round(sqlMs.exact),
      speedup: Math.round((sqlMs.gitlab / sqlMs.servping) * 100) / 100,
      cardinalities: perCardinality,
      servpingError: summarizeErrors(samples.servping),
      gitlabError: summarizeErrors(samples.gitlab),
      speedByBatchSize,
    };
  } finally {
    await client.end();
  }
}

/** (Re)builds the table in one transaction unless it already holds exactly ids 1..rows. */
async function ensureHllTable(client: Client, rows: number): Promise<void> {
  const existing = await client
    .query<{ n: string | null }>(`SELECT max(id) AS n FROM ${TABLE}`)
    .then((r) => Number(r.rows[0]?.n ?? 0))
    .catch(() => -1);
  if (existing === rows) return;
  // A literal: DDL takes no bind parameters, and rows is an integer the bench computed.
  await client.query('BEGIN');
  try {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await client.query(
      `CREATE TABLE ${TABLE} AS SELECT id::bigint AS id, ((id::bigint * 2654435761) % 4294967296) AS v FROM generate_series(1, ${Math.floor(rows)}) AS id`,
    );
    await client.query(`ALTER TABLE ${TABLE} ADD PRIMARY KEY (id)`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  await client.query(`ANALYZE ${TABLE}`);
}
