/**
 * The human forms of a bench result (pure): a Markdown summary for docs/benchmarks.md and a
 * hand-written SVG bar chart of wall time per mode and worker count.
 */
import type { BenchResult } from './run-bench';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);

function problem(section: unknown): string | null {
  if (section && typeof section === 'object') {
    if ('error' in section) return `error: ${String((section as { error: unknown }).error)}`;
    if ('skipped' in section) return `skipped (${String((section as { skipped: unknown }).skipped)})`;
  }
  return null;
}

export interface ModeBar {
  label: string;
  wallMs: number | null;
  note?: string;
}

/** One bar per mode: naive, gitlab, then servping per worker count (null where it did not run). */
export function modeBars(result: Pick<BenchResult, 'modes'>): ModeBar[] {
  const bar = (label: string, section: unknown): ModeBar => {
    const note = problem(section);
    return note ? { label, wallMs: null, note } : { label, wallMs: (section as { wallMs: number }).wallMs };
  };
  return [
    bar('naive', result.modes.naive),
    bar('gitlab', result.modes.gitlab),
    ...Object.entries(result.modes.servping).map(([workers, section]) =>
      bar(`servping ${workers}w`, section),
    ),
  ];
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Horizontal bars, longest = full width; modes that did not run show their reason instead. */
export function renderModeChart(bars: readonly ModeBar[], title: string): string {
  const width = 720;
  const labelWidth = 120;
  const barArea = width - labelWidth - 110;
  const rowHeight = 34;
  const top = 44;
  const height = top + bars.length * rowHeight + 16;
  const longest = Math.max(1, ...bars.map((b) => b.wallMs ?? 0));
  const rows = bars.map((b, i) => {
    const y = top + i * rowHeight;
    const label = `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeXml(b.label)}</text>`;
    if (b.wallMs === null) {
      const note = escapeXml((b.note ?? 'not run').slice(0, 80));
      return `${label}\n  <text x="${labelWidth}" y="${y + 17}" fill="#a33">${note}</text>`;
    }
    const w = Math.max(1, Math.round((b.wallMs / longest) * barArea));
    const fill = b.label.startsWith('servping') ? '#2b6cb0' : '#888';
    return (
      `${label}\n  <rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 12}" fill="${fill}"/>` +
      `\n  <text x="${labelWidth + w + 6}" y="${y + 17}">${s(b.wallMs)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `  <rect width="${width}" height="${height}" fill="#fff"/>`,
    `  <text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows.map((r) => `  ${r}`),
    '</svg>',
    '',
  ].join('\n');
}

/** The Markdown summary: modes, HLL, queue overhead and ingest, each with its targets. */
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
    '| mode | wall | longest statement | statements | failed metrics | peak RSS (MiB) | servping / naive | servping / gitlab |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const mode of ['naive', 'gitlab'] as const) {
    const section = result.modes[mode];
    const note = problem(section);
    if (note) {
      lines.push(`| ${mode} | ${note} | | | | | | |`);
      continue;
    }
    const m = section as Exclude<typeof section, { error: string } | { skipped: string }>;
    lines.push(
      `| ${mode} | ${s(m.wallMs)} | ${fmt(m.statements.longestMs, 0)} ms | ${m.statements.count} | ${m.failed} | ${fmt(m.memory?.peakRssMb, 0)} (bench process) | | |`,
    );
  }
  for (const [workers, section] of Object.entries(result.modes.servping)) {
    const note = problem(section);
    if (note) {
      lines.push(`| servping ${workers}w | ${note.replace(/\|/g, '/').slice(0, 200)} | | | | | | |`);
      continue;
    }
    const r = section as Exclude<typeof section, { error: string } | { skipped: string }>;
    const memory = Object.entries(r.memory)
      .map(([name, m]) => `${name} ${fmt(m?.peakRssMb, 0)}`)
      .join(', ');
    const ratio = result.ratios[workers];
    lines.push(
      `| servping ${workers}w | ${s(r.wallMs)} | ≥ ${fmt(r.statements.longestMs, 0)} ms (sampled) | ${r.statements.statementsSeen} seen | ${r.metrics.fallbacks} | ${memory} | ${fmt(ratio?.overNaive, 3)} | ${fmt(ratio?.overGitlab, 3)} |`,
    );
  }
  lines.push('');
  const checked = Object.entries(result.modes.servping).flatMap(([workers, section]) =>
    'agreementWithNaive' in section && section.agreementWithNaive
      ? [
          `servping ${workers}w ${section.agreementWithNaive.compared}/${section.agreementWithNaive.mismatched}`,
        ]
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
