/**
 * The database-load parts of the Markdown report (pure): what every mode made the instance
 * database do, the spread of the repeated servping runs, and issue #13's targets.
 */
import type { DatabaseLoad } from './database-load';
import { modeRows } from './mode-rows';
import { count, fixed, millions, seconds } from './report-format';
import type { BenchResult } from './bench-result';
import type { RunsSpread, Spread } from './run-spread';

/** A row's load, or the reason it has none. */
function loadOfRow(section: unknown): DatabaseLoad | string {
  if (!section || typeof section !== 'object' || !('load' in section)) return 'not measured';
  const load = (section as { load: DatabaseLoad | { error: string } }).load;
  return 'error' in load ? `not measured: ${load.error}` : load;
}

export function renderLoadTable(result: Pick<BenchResult, 'modes'>): string[] {
  const rows = modeRows(result);
  const floor = loadOfRow(rows.find((r) => r.kind === 'floor')?.section);
  const floorRows = typeof floor === 'string' ? undefined : floor.rowsVisited;
  return [
    "Database load of each mode: deltas of `pg_stat_user_tables`, `pg_statio_user_tables` (heap, index and TOAST blocks) and `pg_stat_database` of the instance database, read after every session of the mode had closed (PostgreSQL 15 flushes a session's counters when it closes). Transactions are `xact_rollback + xact_commit`: the engine runs each counting statement in a read-only transaction it rolls back, so the first figure is its statement count (pg_stat_statements is not preloaded here), and every session start counts one committed transaction, every parallel worker a statement launches two. Index-only scans read rows from an index without fetching them from the heap, so they are missing from rows read; rows visited counts them (`pg_stat_user_indexes.idx_tup_read`), and by it the floor visits every row of the instance once, so the ratio to the floor is taken on rows visited.",
    '',
    '| mode | wall | rows read (seq_tup_read + idx_tup_fetch) | rows visited (seq_tup_read + idx_tup_read) | visited × floor | seq / index scans | blocks read | blocks hit | transactions (rolled back + committed) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((row) => {
      const wall = row.section && typeof row.section === 'object' && 'wallMs' in row.section;
      const wallText = wall ? seconds((row.section as { wallMs: number }).wallMs) : (row.note ?? '—');
      const load = loadOfRow(row.section);
      if (typeof load === 'string')
        return `| ${row.label} | ${wallText.replace(/\|/g, '/')} | ${row.note ? '' : load} | | | | | | |`;
      const overFloor = floorRows ? fixed(load.rowsVisited / floorRows) : '—';
      return `| ${row.label} | ${wallText} | ${millions(load.rowsRead)} (${millions(load.seqTupRead)} + ${millions(load.idxTupFetch)}) | ${millions(load.rowsVisited)} | ${overFloor} | ${count(load.seqScans)} / ${count(load.idxScans)} | ${count(load.blocksRead)} | ${count(load.blocksHit)} | ${count(load.transactions)} (${count(load.rolledBack)} + ${count(load.committed)}) |`;
    }),
    '',
  ];
}

const SPREAD_FIGURES: Array<[keyof RunsSpread, string, (n: number) => string]> = [
  ['wallMs', 'wall', seconds],
  ['rowsRead', 'rows read', millions],
  ['rowsVisited', 'rows visited', millions],
  ['blocksRead', 'blocks read', count],
  ['blocksHit', 'blocks hit', count],
  ['transactions', 'transactions', count],
  ['longestStatementMs', 'longest statement (sampled)', (ms) => `≥ ${count(ms)} ms`],
];

export function renderSpread(result: Pick<BenchResult, 'modes'>): string[] {
  return Object.entries(result.modes.servping).flatMap(([workers, series]) => {
    if (!('spread' in series)) return [];
    const row = (label: string, spread: Spread | null, unit: (n: number) => string) =>
      spread
        ? `| ${label} | ${unit(spread.median)} | ${unit(spread.min)} | ${unit(spread.max)} | ${fixed(spread.maxOverMin)} |`
        : `| ${label} | — | — | — | — |`;
    return [
      `Spread of servping ${workers}w over ${series.spread.wallMs?.runs ?? 0} of ${series.runs.length} runs (the instance re-ANALYZEd before each):`,
      '',
      '| figure | median | min | max | max / min |',
      '|---|---|---|---|---|',
      ...SPREAD_FIGURES.map(([key, label, unit]) => row(label, series.spread[key], unit)),
      '',
    ];
  });
}

export function renderTargets(result: Pick<BenchResult, 'targets'>): string[] {
  return Object.entries(result.targets).flatMap(([workers, checks]) => [
    `Targets of issue #13, servping ${workers}w (median run; longest statement: worst run):`,
    '',
    '| target | status | figures |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.target} | **${c.status}** | ${c.figures} |`),
    '',
  ]);
}

const TABLE_FIGURES: Array<{
  key: 'rowsVisited' | 'blocks' | 'idxScans';
  heading: string;
  unit: (n: number) => string;
}> = [
  {
    key: 'rowsVisited',
    heading: 'Rows visited per table (millions, `seq_tup_read + idx_tup_read`)',
    unit: (n) => fixed(n / 1e6),
  },
  { key: 'blocks', heading: 'Blocks read + hit per table (thousands)', unit: (n) => fixed(n / 1e3, 0) },
  {
    key: 'idxScans',
    heading: 'Index scans per table (thousands; a nested loop probes an index once per outer row)',
    unit: (n) => fixed(n / 1e3, 1),
  },
];

/** Tables per breakdown: the largest by the figure; the rest are small on every measure here. */
const BREAKDOWN_TABLES = 10;

/**
 * Per table and mode, rows visited, blocks and index scans: where each mode's reads went, so a
 * mode that reads more than naive shows on which tables and how.
 */
export function renderTableBreakdown(result: Pick<BenchResult, 'modes'>): string[] {
  const measured = modeRows(result).flatMap((row) => {
    const load = loadOfRow(row.section);
    return typeof load === 'string' ? [] : [{ label: row.label, load }];
  });
  if (measured.length === 0) return [];
  return TABLE_FIGURES.flatMap(({ key, heading, unit }) => {
    const byMode = measured.map(({ load }) => new Map(load.tables.map((t) => [t.table, t[key]])));
    const most = new Map<string, number>();
    for (const byTable of byMode) {
      for (const [table, n] of byTable) most.set(table, Math.max(most.get(table) ?? 0, n));
    }
    const tables = [...most.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, BREAKDOWN_TABLES)
      .map(([t]) => t);
    return [
      `${heading}, the ${tables.length} largest:`,
      '',
      `| table | ${measured.map((m) => m.label).join(' | ')} |`,
      `|---|${measured.map(() => '---|').join('')}`,
      ...tables.map(
        (table) => `| ${table} | ${byMode.map((byTable) => unit(byTable.get(table) ?? 0)).join(' | ')} |`,
      ),
      '',
    ];
  });
}
