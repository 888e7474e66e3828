import type { DatabaseLoad } from '../../src/database-load';

/** A mode's load that read `rowsRead` rows by sequential scans and nothing through indexes. */
export function sequentialLoad(rowsRead: number): DatabaseLoad {
  return {
    rowsRead,
    seqTupRead: rowsRead,
    idxTupFetch: 0,
    indexEntriesRead: 0,
    rowsVisited: rowsRead,
    blocksRead: 10,
    blocksHit: 1_000,
    seqScans: 3,
    idxScans: 0,
    transactions: 40,
    committed: 2,
    rolledBack: 38,
    tables: [{ table: 'notes', rowsRead, rowsVisited: rowsRead, blocks: 10, idxScans: 0 }],
  };
}
