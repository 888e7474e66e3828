import {
  isProductTable,
  loadDelta,
  NO_COUNTERS,
  type LoadSnapshot,
  type TableCounters,
} from './database-load';

const counters = (c: Partial<TableCounters>): TableCounters => ({ ...NO_COUNTERS, ...c });

describe('loadDelta', () => {
  const before: LoadSnapshot = {
    committed: 100,
    rolledBack: 40,
    tables: {
      issues: counters({
        seqScan: 2,
        seqTupRead: 1_000,
        idxScan: 5,
        idxTupFetch: 50,
        idxTupRead: 60,
        blksRead: 10,
        blksHit: 90,
      }),
      notes: counters({ seqScan: 1, seqTupRead: 500 }),
    },
  };
  const after: LoadSnapshot = {
    committed: 110,
    rolledBack: 70,
    tables: {
      issues: counters({
        seqScan: 3,
        seqTupRead: 2_000,
        idxScan: 9,
        idxTupFetch: 250,
        idxTupRead: 1_060,
        blksRead: 15,
        blksHit: 190,
      }),
      notes: counters({ seqScan: 1, seqTupRead: 500 }),
      // Created during the window: counts from zero.
      projects: counters({ seqScan: 1, seqTupRead: 300, blksHit: 4 }),
    },
  };

  it('sums rows read (seq_tup_read + idx_tup_fetch), scans and blocks over the tables', () => {
    expect(loadDelta(before, after)).toEqual({
      rowsRead: 1_000 + 200 + 300,
      seqTupRead: 1_300,
      idxTupFetch: 200,
      indexEntriesRead: 1_000,
      rowsVisited: 2_300,
      blocksRead: 5,
      blocksHit: 104,
      seqScans: 2,
      idxScans: 4,
      transactions: 40,
      committed: 10,
      rolledBack: 30,
      tables: [
        { table: 'issues', rowsRead: 1_200, rowsVisited: 2_000, blocks: 105, idxScans: 4 },
        { table: 'projects', rowsRead: 300, rowsVisited: 300, blocks: 4, idxScans: 0 },
      ],
    });
  });

  it("subtracts the snapshot reader's own committed transactions, never below zero", () => {
    expect(loadDelta(before, after, 1)).toMatchObject({ committed: 9, rolledBack: 30, transactions: 39 });
    expect(loadDelta(before, { ...after, committed: 100 }, 1)).toMatchObject({ committed: 0 });
  });
});

describe('isProductTable', () => {
  it.each([
    ['issues', true],
    ['ci_builds', true],
    ['servping_bench_seed', false],
    ['servping_bench_hll', false],
    ['schema_migrations', false],
  ])('%s → %s', (table, expected) => {
    expect(isProductTable(table)).toBe(expected);
  });
});
