/**
 * What a mode cost the product database, from PostgreSQL's cumulative statistics (pure): the
 * difference of two snapshots of `pg_stat_user_tables`, `pg_statio_user_tables` and
 * `pg_stat_database`. Unlike wall time these figures do not move with the machine's load; they
 * are what a DBA reads. Snapshots are taken by `database-load.repository.ts`.
 */

/** Cumulative counters of one table (the sum of its heap, index and TOAST blocks). */
export interface TableCounters {
  seqScan: number;
  seqTupRead: number;
  idxScan: number;
  idxTupFetch: number;
  /** `pg_stat_user_indexes.idx_tup_read` summed over the table's indexes. */
  idxTupRead: number;
  blksRead: number;
  blksHit: number;
}

export interface LoadSnapshot {
  tables: Record<string, TableCounters>;
  /** `pg_stat_database.xact_commit` and `xact_rollback` of the instance database. */
  committed: number;
  rolledBack: number;
}

export interface DatabaseLoad {
  /** `seq_tup_read + idx_tup_fetch`: heap rows read by sequential scans and fetched through indexes. */
  rowsRead: number;
  seqTupRead: number;
  idxTupFetch: number;
  /**
   * Index entries read. An index-only scan reads rows from the index without fetching them from
   * the heap, so they appear here and not in `rowsRead`.
   */
  indexEntriesRead: number;
  /**
   * `seq_tup_read + idx_tup_read`: every row a scan visited once, whether from the heap or only
   * from an index. The floor's plain counts visit each row of the instance exactly once by this
   * measure, which `rowsRead` misses where the planner counts a table by an index-only scan.
   */
  rowsVisited: number;
  /** Blocks read from outside shared buffers (the OS cache or disk) and found in them. */
  blocksRead: number;
  blocksHit: number;
  seqScans: number;
  idxScans: number;
  /**
   * Transactions of the instance database (`pg_stat_database`), our statement count:
   * pg_stat_statements would count statements but is not preloaded on the reference server. The
   * engine runs every counting statement (batch, bounds) in its own read-only transaction that it
   * rolls back, so `rolledBack` is the engine's counting statements; `committed` holds the rest
   * (catalog look-ups, the floor's plain counts).
   */
  transactions: number;
  committed: number;
  rolledBack: number;
  /** Per table that was read at all, the most rows visited first: where the rows went. */
  tables: TableLoad[];
}

export interface TableLoad {
  table: string;
  rowsRead: number;
  rowsVisited: number;
  /** Blocks read plus blocks hit. */
  blocks: number;
  idxScans: number;
}

/** A mode's load, or why it could not be measured. */
export type LoadOutcome = DatabaseLoad | { error: string };

/** The counters of a table no snapshot has seen yet. */
export const NO_COUNTERS: TableCounters = {
  seqScan: 0,
  seqTupRead: 0,
  idxScan: 0,
  idxTupFetch: 0,
  idxTupRead: 0,
  blksRead: 0,
  blksHit: 0,
};

/**
 * `after − before`, table by table (a table missing from `before` counts from zero).
 * `ownTransactions` are the snapshot reader's own (committed) transactions that fall inside the window (the
 * `before` reader's statement is flushed when its session closes, after it read the counters).
 */
export function loadDelta(before: LoadSnapshot, after: LoadSnapshot, ownTransactions = 0): DatabaseLoad {
  const perTable = Object.entries(after.tables).map(([table, end]) => {
    const start = before.tables[table] ?? NO_COUNTERS;
    const d = (key: keyof TableCounters) => end[key] - start[key];
    return {
      table,
      seqTupRead: d('seqTupRead'),
      idxTupFetch: d('idxTupFetch'),
      idxTupRead: d('idxTupRead'),
      blksRead: d('blksRead'),
      blksHit: d('blksHit'),
      seqScan: d('seqScan'),
      idxScan: d('idxScan'),
    };
  });
  const sum = (key: Exclude<keyof (typeof perTable)[number], 'table'>) =>
    perTable.reduce((total, t) => total + t[key], 0);
  const seqTupRead = sum('seqTupRead');
  const idxTupFetch = sum('idxTupFetch');
  const committed = Math.max(0, after.committed - before.committed - ownTransactions);
  const rolledBack = after.rolledBack - before.rolledBack;
  return {
    rowsRead: seqTupRead + idxTupFetch,
    seqTupRead,
    idxTupFetch,
    indexEntriesRead: sum('idxTupRead'),
    rowsVisited: seqTupRead + sum('idxTupRead'),
    blocksRead: sum('blksRead'),
    blocksHit: sum('blksHit'),
    seqScans: sum('seqScan'),
    idxScans: sum('idxScan'),
    transactions: committed + rolledBack,
    committed,
    rolledBack,
    tables: perTable
      .map((t) => ({
        table: t.table,
        rowsRead: t.seqTupRead + t.idxTupFetch,
        rowsVisited: t.seqTupRead + t.idxTupRead,
        blocks: t.blksRead + t.blksHit,
        idxScans: t.idxScan,
      }))
      .filter((t) => t.rowsVisited > 0 || t.blocks > 0)
      .sort((a, b) => b.rowsVisited - a.rowsVisited || a.table.localeCompare(b.table)),
  };
}

/**
 * The product's tables among an instance database's user tables: the bench's own tables
 * (`servping_bench_*`: the seed marker, the HLL section's tables) and the schema's migration
 * ledger are not the product's, so the floor mode does not count them.
 */
export function isProductTable(table: string): boolean {
  return !table.startsWith('servping_bench') && table !== 'schema_migrations';
}
