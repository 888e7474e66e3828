import { sequentialLoad } from '../test/support/database-load-fixture';
import { modeBars, renderMarkdown, renderModeChart } from './bench-report';
import type { BenchResult } from './bench-result';
import { ratios, targetsOf } from './servping-verdicts';
import { spreadOfRuns } from './run-spread';

const statements = { count: 164, longestMs: 400 };

const run = (n: number, wallMs: number, rowsRead: number) => ({
  run: n,
  wallMs,
  load: sequentialLoad(rowsRead),
  statements: { ...statements, statementsSeen: 12 },
  memory: { 'worker-1': { peakRssMb: 150 } },
  metrics: { fallbacks: 3 },
  startMs: 2_000,
  computeS: (wallMs / 1000) * 3,
  shards: 110,
  slowestMetrics: [{ name: `counts.r${n}`, timeElapsedS: 2 }],
  agreementWithNaive: { compared: 109, mismatched: 0, examples: [] },
});

const servpingRuns = [run(1, 5_000, 4_000), { run: 2, error: 'collector exited <1>' }, run(3, 7_000, 6_000)];

const modes = {
  floor: { wallMs: 1_000, load: sequentialLoad(2_000), statements, tables: 21, rowsCounted: 2_500 },
  naive: { mode: 'naive', wallMs: 10_000, load: sequentialLoad(10_000), statements, failed: 5, memory: null },
  gitlab: {
    mode: 'gitlab',
    wallMs: 20_000,
    load: { error: '1 sessions still connected' },
    statements,
    failed: 5,
    memory: null,
  },
  servping: {
    '2': {
      workers: 2,
      runs: servpingRuns,
      spread: spreadOfRuns([
        { wallMs: 5_000, longestStatementMs: 400, load: sequentialLoad(4_000) },
        { wallMs: 7_000, longestStatementMs: 400, load: sequentialLoad(6_000) },
      ]),
    },
    '4': { error: 'stack did not start' },
  },
} as never as BenchResult['modes'];

describe('modeBars', () => {
  it('lists floor, naive, gitlab, then every servping run, with the reason where one did not run', () => {
    expect(modeBars({ modes }).map((b) => [b.label, b.wallMs, b.load?.rowsRead ?? b.note ?? null])).toEqual([
      ['floor', 1_000, 2_000],
      ['naive', 10_000, 10_000],
      ['gitlab', 20_000, null],
      ['servping 2w #1', 5_000, 4_000],
      ['servping 2w #2', null, 'error: collector exited <1>'],
      ['servping 2w #3', 7_000, 6_000],
      ['servping 4w', null, 'error: stack did not start'],
    ]);
  });
});

describe('renderModeChart', () => {
  const svg = renderModeChart(modeBars({ modes }), 'Catalog & time');

  it('scales wall-time bars to the longest (420 px) and labels them in seconds', () => {
    expect(svg).toContain('<rect x="130" y="64" width="21" height="22" fill="#38a169"/>');
    expect(svg).toContain('<rect x="130" y="132" width="420" height="22" fill="#888"/>');
    expect(svg).toContain('<rect x="130" y="166" width="105" height="22" fill="#2b6cb0"/>');
    expect(svg).toContain('>20.0 s</text>');
  });

  it('draws rows visited with rows read, blocks and transactions in a second panel', () => {
    expect(svg).toContain('<rect x="130" y="338" width="84" height="22" fill="#38a169"/>');
    expect(svg).toContain(
      'rows visited (seq_tup_read + idx_tup_read), rows read (seq_tup_read + idx_tup_fetch), blocks read / hit, transactions',
    );
    expect(svg).toContain('>0.01 M visited, 0.01 M read, 0.00 M / 0.00 M blocks, 40 xacts</text>');
    expect(svg).toContain('fill="#a33">load not measured</text>');
  });

  it('escapes text and shows the reason of a mode that did not run', () => {
    expect(svg).toContain('Catalog &amp; time');
    expect(svg).toContain('fill="#a33">error: collector exited &lt;1&gt;</text>');
  });
});

describe('ratios', () => {
  it("divides servping's median wall time by each baseline, null where a side is missing", () => {
    expect(ratios({ modes })).toEqual({
      '2': { overNaive: 0.6, overGitlab: 0.3 },
      '4': { overNaive: null, overGitlab: null },
    });
    expect(ratios({ modes: { ...modes, naive: { error: 'x' } } })).toMatchObject({
      '2': { overNaive: null, overGitlab: 0.3 },
    });
  });
});

describe('targetsOf', () => {
  it("judges each worker count's series against naive, gitlab and the floor", () => {
    const targets = targetsOf({ modes });
    expect(targets['2']!.map((t) => t.status)).toEqual(['missed', 'missed', 'missed', 'met', 'not measured']);
    expect(targets['2']![2]!.figures).toBe(
      'rows visited 0.01 M (median) / 0.00 M = 2.50×; seq_tup_read + idx_tup_fetch 0.01 M (median) / 0.00 M = 2.50×',
    );
    expect(targets['4']!.map((t) => t.status)).toEqual([
      'not measured',
      'not measured',
      'not measured',
      'not measured',
      'not measured',
    ]);
  });
});

describe('renderMarkdown', () => {
  it('prints the load, spread and targets tables', () => {
    const result = {
      startedAt: '2026-12-05T12:00:00Z',
      options: { rows: 20_000, seed: 1 },
      machine: { cpus: 2, memoryMb: 1, node: 'v20', postgres: '15' },
      serviceEnv: {},
      catalog: { skipped: 'x' },
      modes,
      ratios: ratios({ modes }),
      targets: targetsOf({ modes }),
      hll: { skipped: 'x' },
      queueOverhead: { skipped: 'x' },
      ingest: { skipped: 'x' },
    } as never as BenchResult;
    const markdown = renderMarkdown(result);
    expect(markdown).toContain(
      '| naive | 10.0 s | 0.01 M (0.01 M + 0.00 M) | 0.01 M | 5.00 | 3 / 0 | 10 | 1,000 | 40 (38 + 2) |',
    );
    expect(markdown).toContain('| gitlab | 20.0 s | not measured: 1 sessions still connected |');
    expect(markdown).toContain('| floor | 1.0 s | 400 ms | 164 (21 tables, 0.00 M rows) | 0 | | | |');
    expect(markdown).toContain(
      '| servping 2w #3 | 7.0 s | ≥ 400 ms (sampled) | 12 seen | 3 | worker-1 150 | 0.700 | 0.350 |',
    );
    expect(markdown).toContain('| table | floor | naive | servping 2w #1 | servping 2w #3 |');
    expect(markdown).toContain('| notes | 0.00 | 0.01 | 0.00 | 0.01 |');
    expect(markdown).toContain('Blocks read + hit per table (thousands), the 1 largest:');
    expect(markdown).toContain('| notes | 0 | 0 | 0 | 0 |');
    expect(markdown).toContain('| #3 | 7.0 s | 2.0 s | 21.0 s | 3.0 | 110 |');
    // Median 6.0 s: run 1 (5.0 s) and run 3 (7.0 s) are as close; the first found is kept.
    expect(markdown).toContain('Slowest metrics of run #1 (the median run;');
    expect(markdown).toContain('counts.r1 2.0 s.');
    expect(markdown).toContain('| wall | 6.0 s | 5.0 s | 7.0 s | 1.40 |');
    expect(markdown).toContain(
      "| rows read by servping ≤ 2× the floor's | **missed** | rows visited 0.01 M (median) / 0.00 M = 2.50×; seq_tup_read + idx_tup_fetch 0.01 M (median) / 0.00 M = 2.50× |",
    );
  });
});
