/**
 * Bulk-loads the demo instance: truncate, drop the secondary indexes and the primary keys no
 * foreign key depends on, generate every table server-side with INSERT … SELECT FROM
 * generate_series in id chunks spread over a few connections, rebuild the indexes, ANALYZE.
 *
 * Where the time goes, and why each step is shaped as it is (10⁷ rows, 2 cores):
 * - The tables are UNLOGGED (migration 005): no WAL for the load or the index builds.
 * - Rows satisfy the foreign keys by construction, so when allowed the load skips the per-row FK
 *   triggers as pg_restore does (session_replication_role = replica).
 * - Maintaining a btree row by row costs about as much as generating the row; building it from a
 *   sort afterwards costs a fraction. Primary keys referenced by a foreign key must stay (the
 *   constraint depends on them), the others (events, notes, ci_builds, …: 85 % of the rows) are
 *   dropped and rebuilt like the secondary indexes.
 * - No phase barriers (seed-schedule.ts): a table's indexes are built as soon as its last chunk
 *   is in, while the other connection loads the next table; biggest tables first, so the work
 *   left at the end is small and both connections finish together.
 */
import { Pool, type PoolClient } from 'pg';
import { DEMO_TABLES, plannedTotal, type DemoTable, type RowPlan } from './row-plan';
import { runSeedTasks, type SeedTask } from './seed-schedule';
import { insertChunkSql, tableRowsSql } from './table-rows-sql';

export interface SeedOptions {
  url: string;
  plan: RowPlan;
  seed: number;
  /** The fixed "now" every timestamp is relative to. */
  now: Date;
  /**
   * The CREATE INDEX statements to build after the load (from the index migration), so a load
   * that died after dropping the indexes is repaired by the next one.
   */
  indexStatements: readonly string[];
  /** Parallel connections (default 2: one per core of the reference machine). */
  connections?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  phase: 'truncate' | 'load' | 'index' | 'analyze';
  done: number;
  total: number;
}

export interface SeedReport {
  rows: number;
  /** Indexes built after the load: the secondary ones and the dropped primary keys. */
  indexes: number;
  /** Whether FK triggers were skipped during the load (needs superuser). */
  skippedForeignKeyChecks: boolean;
  /**
   * Wall-clock: `load` from the first chunk to the last, `afterLoad` from then until the last
   * index and ANALYZE ended (they overlap the load), `total` including the truncate.
   */
  timingsMs: { load: number; afterLoad: number; total: number };
  /** Connection time spent per kind of work, summed over the connections. */
  busyMs: { load: number; index: number; analyze: number };
}

/** Rows per INSERT: big enough to amortise statement overhead, small enough to balance workers. */
const CHUNK_ROWS = 200_000;

/** One connection per core builds one index at a time: parallel sort workers would only compete. */
const SESSION_SETTINGS = [
  // A lost demo load is simply re-run: no need to wait for WAL flushes per statement.
  'SET synchronous_commit = off',
  // Every index sort of 10⁷ rows fits in memory (events: 2.6 M keys).
  "SET maintenance_work_mem = '256MB'",
  'SET max_parallel_maintenance_workers = 0',
];

async function demoTablesWithoutReferrers(client: PoolClient): Promise<DemoTable[]> {
  const { rows } = await client.query<{ name: DemoTable }>(
    `SELECT c.relname AS name
       FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1) AND c.relkind = 'r'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.oid)`,
    [DEMO_TABLES],
  );
  return rows.map((r) => r.name);
}

async function secondaryIndexNames(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT ic.relname AS name
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class tc ON tc.oid = i.indrelid
      WHERE tc.relnamespace = 'public'::regnamespace AND tc.relname = ANY($1)
        AND NOT i.indisprimary AND NOT i.indisunique`,
    [DEMO_TABLES],
  );
  return rows.map((r) => r.name);
}

/** The demo table a CREATE INDEX statement of the index migration is on. */
export function tableOfIndex(statement: string): DemoTable {
  const table = /\sON\s+"?([a-z_0-9]+)"?/i.exec(statement)?.[1];
  const demoTable = DEMO_TABLES.find((t) => t === table);
  if (!demoTable) throw new Error(`index statement is not on a demo table: ${statement}`);
  return demoTable;
}

/** The statements of an SQL file of plain `;`-terminated statements, comments removed. */
export function splitSqlStatements(sql: string): string[] {
  return sql
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** The primary key constraint (and its index) PostgreSQL names `<table>_pkey`. */
const pkeyOf = (table: DemoTable) => `${table}_pkey`;

export async function seedInstanceDatabase(options: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const connections = options.connections ?? 2;
  const progress = options.onProgress ?? (() => undefined);
  const pool = new Pool({
    connectionString: options.url,
    max: connections,
    application_name: 'servping-demo-seed',
  });
  const clients: PoolClient[] = [];
  try {
    for (let i = 0; i < connections; i++) clients.push(await pool.connect());
    const [first] = clients as [PoolClient];
    const { rows } = await first.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
    );
    const superuser = rows[0]?.rolsuper === true;
    for (const client of clients) {
      for (const setting of SESSION_SETTINGS) await client.query(setting);
      if (superuser) await client.query('SET session_replication_role = replica');
    }

    progress({ phase: 'truncate', done: 0, total: 1 });
    // Indexes go before the TRUNCATE: truncating an unlogged relation writes and fsyncs a new
    // init fork for it (~15 ms each here), a waste for an index dropped next anyway. One
    // transaction, so a failure leaves the database as it was.
    const rebuiltKeys = await demoTablesWithoutReferrers(first);
    await first.query('BEGIN');
    try {
      for (const name of await secondaryIndexNames(first)) await first.query(`DROP INDEX "${name}"`);
      for (const table of rebuiltKeys) {
        await first.query(`ALTER TABLE "${table}" DROP CONSTRAINT IF EXISTS "${pkeyOf(table)}"`);
        // Left unattached by a load that died between building the key's index and attaching it.
        await first.query(`DROP INDEX IF EXISTS "${pkeyOf(table)}"`);
      }
      await first.query(`TRUNCATE ${DEMO_TABLES.map((t) => `"${t}"`).join(', ')}`);
      await first.query('COMMIT');
    } catch (err) {
      await first.query('ROLLBACK');
      throw err;
    }
    progress({ phase: 'truncate', done: 1, total: 1 });

    const plan = options.plan;
    const bySize = [...DEMO_TABLES].sort((a, b) => plan[b] - plan[a]);
    const indexesOf = new Map<DemoTable, string[]>(DEMO_TABLES.map((t) => [t, []]));
    for (const statement of options.indexStatements) indexesOf.get(tableOfIndex(statement))?.push(statement);
    for (const table of rebuiltKeys) {
      indexesOf
        .get(table)
        ?.unshift(`CREATE UNIQUE INDEX IF NOT EXISTS "${pkeyOf(table)}" ON "${table}" (id)`);
    }
    const indexTotal = [...indexesOf.values()].reduce((sum, list) => sum + list.length, 0);
    const total = plannedTotal(plan);
    const busyMs = { load: 0, index: 0, analyze: 0 };
    const counted = (kind: keyof typeof busyMs, run: (client: PoolClient) => Promise<void>) => {
      return async (client: PoolClient) => {
        const begun = Date.now();
        await run(client);
        busyMs[kind] += Date.now() - begun;
      };
    };
    let loaded = 0;
    let built = 0;
    let analyzed = 0;
    /** Phases whose 0/total line went out (two connections may start one at the same moment). */
    const begun = new Set<SeedProgress['phase']>();
    const begin = (phase: SeedProgress['phase'], total: number) => {
      if (!begun.has(phase)) progress({ phase, done: 0, total });
      begun.add(phase);
    };
    let loadEnded = 0;

    const finishTasks: SeedTask<PoolClient>[] = bySize.map((table) => ({
      group: `finish ${table}`,
      after: [(indexesOf.get(table) ?? []).length > 0 ? `index ${table}` : `load ${table}`],
      run: counted('analyze', async (client) => {
        // After every index of the table: attaching takes an exclusive lock, ANALYZE one that
        // CREATE INDEX also conflicts with.
        if (rebuiltKeys.includes(table)) {
          const key = pkeyOf(table);
          await client.query(
            `ALTER TABLE "${table}" ADD CONSTRAINT "${key}" PRIMARY KEY USING INDEX "${key}"`,
          );
        }
        begin('analyze', DEMO_TABLES.length);
        await client.query(`ANALYZE "${table}"`);
        progress({ phase: 'analyze', done: ++analyzed, total: DEMO_TABLES.length });
      }),
    }));
    const indexTasks: SeedTask<PoolClient>[] = bySize.flatMap((table) =>
      (indexesOf.get(table) ?? []).map((statement) => ({
        group: `index ${table}`,
        after: [`load ${table}`],
        run: counted('index', async (client) => {
          begin('index', indexTotal);
          await client.query(statement);
          progress({ phase: 'index', done: ++built, total: indexTotal });
        }),
      })),
    );
    // Without the replica role the FK triggers run, so parents must be loaded before children:
    // one connection, tables in dependency order (DEMO_TABLES is ordered that way).
    const generators = tableRowsSql(options.seed, plan);
    const loadTasks: SeedTask<PoolClient>[] = (superuser ? bySize : DEMO_TABLES).flatMap((table) => {
      const sql = insertChunkSql(generators[table]);
      const chunks: SeedTask<PoolClient>[] = [];
      for (let from = 1; from <= plan[table]; from += CHUNK_ROWS) {
        const to = Math.min(plan[table], from + CHUNK_ROWS - 1);
        chunks.push({
          group: `load ${table}`,
          ...(superuser ? {} : { worker: 0 }),
          run: counted('load', async (client) => {
            await client.query(sql, [options.now, from, to]);
            loaded += to - from + 1;
            progress({ phase: 'load', done: loaded, total });
            if (loaded === total) loadEnded = Date.now();
          }),
        });
      }
      return chunks;
    });

    const loadStarted = Date.now();
    begin('load', total);
    // Array order is priority: finish what is ready, then indexes, then load more.
    await runSeedTasks(clients, [...finishTasks, ...indexTasks, ...loadTasks]);

    const finished = Date.now();
    return {
      rows: total,
      indexes: indexTotal,
      skippedForeignKeyChecks: superuser,
      timingsMs: {
        load: loadEnded - loadStarted,
        afterLoad: finished - loadEnded,
        total: finished - started,
      },
      busyMs,
    };
  } finally {
    for (const client of clients) client.release();
    await pool.end();
  }
}
