/**
 * The human forms of a bench result (pure): a Markdown summary for docs/benchmarks.md and a
 * hand-written SVG bar chart of wall time and rows read per mode.
 */
import { renderLoadTable, renderSpread, renderTableBreakdown, renderTargets } from './bench-load-report';
import { modeRows, problem } from './mode-rows';
import { renderServpingTime } from './servping-time-report';
import { count, fixed as fmt, millions, seconds as s } from './report-format';
import type { BenchResult } from './bench-result';

export interface ModeBar {
  label: string;
  wallMs: number | null;
  note?: string;
  /** What the mode made the database do, where it was measured. */
  load?: {
    rowsRead: number;
    rowsVisited: number;
    blocksRead: number;
    blocksHit: number;
    transactions: number;
  };
}

/** One bar per mode row: floor, naive, gitlab, then each servping run (null where it did not run). */
export function modeBars(result: Pick<BenchResult, 'modes'>): ModeBar[] {
  return modeRows(result).map(({ label, section, note }) => {
    if (note) return { label, wallMs: null, note };
    const m = section as { wallMs: number; load?: { error: string } | NonNullable<ModeBar['load']> };
    const load = m.load && !('error' in m.load) ? m.load : undefined;
    return {
      label,
      wallMs: m.wallMs,
      ...(load
        ? {
            load: {
              rowsRead: load.rowsRead,
              rowsVisited: load.rowsVisited,
              blocksRead: load.blocksRead,
              blocksHit: load.blocksHit,
              transactions: load.transactions,
            },
          }
        : {}),
    };
  });
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const WIDTH = 1000;
const LABEL_WIDTH = 130;
const ROW_HEIGHT = 34;

/**
 * One panel of horizontal bars, longest = full width; a bar without a value shows `missing`
 * instead. Returns the SVG lines and the panel's height.
 */
function barPanel(
  bars: readonly ModeBar[],
  top: number,
  heading: string,
  value: (bar: ModeBar) => number | null,
  text: (bar: ModeBar, value: number) => string,
  missing: (bar: ModeBar) => string,
): { lines: string[]; height: number } {
  const barArea = WIDTH - LABEL_WIDTH - 450;
  const longest = Math.max(1, ...bars.map((b) => value(b) ?? 0));
  const lines = [`<text x="${LABEL_WIDTH}" y="${top + 16}" font-weight="bold">${escapeXml(heading)}</text>`];
  bars.forEach((b, i) => {
    const y = top + 24 + i * ROW_HEIGHT;
    lines.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 17}" text-anchor="end">${escapeXml(b.label)}</text>`);
    const v = value(b);
    if (v === null) {
      lines.push(
        `<text x="${LABEL_WIDTH}" y="${y + 17}" fill="#a33">${escapeXml(missing(b).slice(0, 100))}</text>`,
      );
      return;
    }
    const w = Math.max(1, Math.round((v / longest) * barArea));
    const fill = b.label.startsWith('servping') ? '#2b6cb0' : b.label === 'floor' ? '#38a169' : '#888';
    lines.push(
      `<rect x="${LABEL_WIDTH}" y="${y + 4}" width="${w}" height="${ROW_HEIGHT - 12}" fill="${fill}"/>`,
      `<text x="${LABEL_WIDTH + w + 6}" y="${y + 17}">${escapeXml(text(b, v))}</text>`,
    );
  });
  return { lines, height: 24 + bars.length * ROW_HEIGHT + 12 };
}

/**
 * Two panels: wall time per mode, then the rows each mode visited (the floor's count visits each
 * row once) with its rows read, blocks and transactions.
 */
export function renderModeChart(bars: readonly ModeBar[], title: string): string {
  const wall = barPanel(
    bars,
    36,
    'wall time (noisy: shared machine)',
    (b) => b.wallMs,
    (_b, ms) => s(ms),
    (b) => b.note ?? 'not run',
  );
  const rows = barPanel(
    bars,
    36 + wall.height,
    'rows visited (seq_tup_read + idx_tup_read), rows read (seq_tup_read + idx_tup_fetch), blocks read / hit, transactions',
    (b) => b.load?.rowsVisited ?? null,
    (b, n) =>
      `${millions(n)} visited, ${millions(b.load!.rowsRead)} read, ${millions(b.load!.blocksRead)} / ${millions(b.load!.blocksHit)} blocks, ${count(b.load!.transactions)} xacts`,
    (b) => b.note ?? 'load not measured',
  );
  const height = 36 + wall.height + rows.height + 8;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="13">`,
    `  <rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `  <text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...[...wall.lines, ...rows.lines].map((line) => `  ${line}`),
    '</svg>',
    '',
  ].join('\n');
}

/** The Markdown summary: modes, database load, spread, targets, HLL, queue overhead and ingest. */
export function renderMarkdown(result: BenchResult): string {
  const lines: string[] = [];
  const o = result.options;
  lines.push(
    `### ${result.startedAt.slice(0, 10)} — ${o.rows.toLocaleString('en-US')} rows (seed ${o.seed})`,
    '',
    `Machine: ${result.machine.cpus} CPUs, ${result.machine.memoryMb} MiB, Node ${result.machine.node}, PostgreSQL ${result.machine.postgres}. Service environment: ${
      Object.entries(result.serviceEnv ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'defaults'
    }.`,
  );
  const catalog = result.catalog;
  lines.push(
    problem(catalog)
      ? `Catalog: ${problem(catalog)}`
      : `Catalog: ${(catalog as { total: number }).total} metrics, ${(catalog as { database: number }).database} database, ${(catalog as { other: number }).other} other, ${(catalog as { notComputed: number }).notComputed} aggregator-only or not computed.`,
    '',
    ...renderModeTable(result),
    ...renderLoadTable(result),
    ...renderSpread(result),
    ...renderTargets(result),
    ...renderTableBreakdown(result),
    ...renderServpingTime(result),
  );
  const checked = Object.entries(result.modes.servping).flatMap(([workers, series]) =>
    'runs' in series
      ? series.runs.flatMap((run) =>
          'agreementWithNaive' in run && run.agreementWithNaive
            ? [
                `servping ${workers}w #${run.run} ${run.agreementWithNaive.compared}/${run.agreementWithNaive.mismatched}`,
              ]
            : [],
        )
      : [],
  );
  if (checked.length > 0) {
    lines.push(
      `Exact all-time metrics, servping's stored payload against naive (compared/mismatched): ${checked.join(', ')}.`,
      '',
    );
  }

  const hll = result.hll;
  if (problem(hll)) lines.push(`HLL: ${problem(hll)}`, '');
  else {
    const h = hll as Exclude<typeof hll, { error: string } | { skipped: string }>;
    lines.push(
      `HLL over ${h.rowsHashed.toLocaleString('en-US')} hashed rows in batches of ${h.batchSize}: p=14 register SQL ${s(h.servpingSqlMs)}, GitLab md5/512 SQL ${s(h.gitlabSqlMs)} (${fmt(h.speedup)}× faster), exact COUNT(DISTINCT) ${s(h.exactSqlMs)}.`,
      '',
      '| distinct values | trials | p=14 mean / p95 / max error | GitLab mean / p95 / max error |',
      '|---|---|---|---|',
      ...h.cardinalities.map(
        (c) =>
          `| ${c.cardinality.toLocaleString('en-US')} | ${c.trials} | ${fmt(c.servping.meanPct)} / ${fmt(c.servping.p95Pct)} / ${fmt(c.servping.maxPct)} % | ${fmt(c.gitlab.meanPct)} / ${fmt(c.gitlab.p95Pct)} / ${fmt(c.gitlab.maxPct)} % |`,
      ),
      `| all | ${h.servpingError.samples} | ${fmt(h.servpingError.meanPct)} / ${fmt(h.servpingError.p95Pct)} / ${fmt(h.servpingError.maxPct)} % | ${fmt(h.gitlabError.meanPct)} / ${fmt(h.gitlabError.p95Pct)} / ${fmt(h.gitlabError.maxPct)} % |`,
      '',
      '| batch size | statements | p=14 SQL | GitLab SQL | speedup | registers returned (p=14 / GitLab) |',
      '|---|---|---|---|---|---|',
      ...h.speedByBatchSize.map(
        (b) =>
          `| ${b.batchSize.toLocaleString('en-US')} | ${b.statements} | ${fmt(b.servpingMs, 0)} ms | ${fmt(b.gitlabMs, 0)} ms | ${fmt(b.speedup)}× | ${b.servpingRows.toLocaleString('en-US')} / ${b.gitlabRows.toLocaleString('en-US')} |`,
      ),
      '',
    );
  }

  const queue = result.queueOverhead;
  if (problem(queue)) lines.push(`Queue overhead: ${problem(queue)}`, '');
  else {
    const q = queue as Exclude<typeof queue, { error: string } | { skipped: string }>;
    lines.push(
      `Queue overhead: ${q.trivialMetrics} trivial metrics with ${q.workers} worker(s) in ${s(q.wallMs)} → ${fmt(q.msPerMetric, 3)} ms per metric (trigger → payload at Versions).`,
      '',
    );
  }

  const ingest = result.ingest;
  if (problem(ingest)) lines.push(`Ingest: ${problem(ingest)}`, '');
  else {
    const i = ingest as Exclude<typeof ingest, { error: string } | { skipped: string }>;
    lines.push(
      `Ingest: ${fmt(i.payloadsPerSecond, 0)} payloads/s (${i.payloadKeys} keys, ${Math.round(i.payloadBytes / 1024)} KiB each; ${i.connections} connections, ${i.durationS} s, ${i.non2xx} non-2xx), latency p50 ${i.latencyMs.p50} ms, p99 ${i.latencyMs.p99} ms; server RSS ${fmt(i.serverMemoryBefore?.rssMb, 0)} → ${fmt(i.serverMemoryAfter?.rssMb, 0)} MiB (peak ${fmt(i.serverMemoryAfter?.peakRssMb, 0)}).`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Wall time, statements, failures and memory per mode row. */
function renderModeTable(result: BenchResult): string[] {
  const lines = [
    '| mode | wall | longest statement | statements | failed metrics | peak RSS (MiB) | servping / naive | servping / gitlab |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const wallOf = (mode: 'naive' | 'gitlab') => {
    const m = result.modes[mode];
    return problem(m) ? null : (m as { wallMs: number }).wallMs;
  };
  const over = (wallMs: number, base: number | null) => (base ? fmt(wallMs / base, 3) : '—');
  for (const row of modeRows(result)) {
    if (row.note) {
      lines.push(`| ${row.label} | ${row.note.replace(/\|/g, '/').slice(0, 200)} | | | | | | |`);
    } else if (row.kind === 'floor') {
      const f = row.section as Extract<BenchResult['modes']['floor'], { tables: number }>;
      lines.push(
        `| floor | ${s(f.wallMs)} | ${fmt(f.statements.longestMs, 0)} ms | ${f.statements.count} (${f.tables} tables, ${millions(f.rowsCounted)} rows) | 0 | | | |`,
      );
    } else if (row.kind === 'servping') {
      const r = row.section as Extract<
        BenchResult['modes']['servping'][string],
        { runs: unknown }
      >['runs'][number] & {
        wallMs: number;
      };
      if (!('statements' in r)) continue;
      const memory = Object.entries(r.memory)
        .map(([name, m]) => `${name} ${fmt(m?.peakRssMb, 0)}`)
        .join(', ');
      lines.push(
        `| ${row.label} | ${s(r.wallMs)} | ≥ ${fmt(r.statements.longestMs, 0)} ms (sampled) | ${r.statements.statementsSeen} seen | ${r.metrics.fallbacks} | ${memory} | ${over(r.wallMs, wallOf('naive'))} | ${over(r.wallMs, wallOf('gitlab'))} |`,
      );
    } else {
      const m = row.section as Extract<BenchResult['modes']['naive'], { mode: string }>;
      lines.push(
        `| ${row.label} | ${s(m.wallMs)} | ${fmt(m.statements.longestMs, 0)} ms | ${m.statements.count} | ${m.failed} | ${fmt(m.memory?.peakRssMb, 0)} (bench process) | | |`,
      );
    }
  }
  return [...lines, ''];
}
