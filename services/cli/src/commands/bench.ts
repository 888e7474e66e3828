/**
 * `servping bench`: measures the whole catalog naive, GitLab's way and through the servping
 * pipeline, plus HLL, queue overhead and ingest, and writes the result as JSON, Markdown and SVG.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFlags, UsageError, type Command } from '../command';
import {
  defaultHllMax,
  modeBars,
  renderMarkdown,
  renderModeChart,
  runBench,
  scaleLabel,
  type BenchOptions,
  type BenchResult,
} from '@servping/bench';

/** The checkout root; the same depth from `src/commands` and `dist/commands`. */
const REPO_ROOT = path.resolve(__dirname, '../../../..');

const FLAGS = {
  rows: { type: 'number' },
  seed: { type: 'number' },
  workers: { type: 'string' },
  'servping-runs': { type: 'number' },
  definitions: { type: 'string' },
  'pg-url': { type: 'string' },
  'db-prefix': { type: 'string' },
  'hll-max': { type: 'number' },
  'ingest-seconds': { type: 'number' },
  'ingest-connections': { type: 'number' },
  'queue-metrics': { type: 'number' },
  'run-timeout-s': { type: 'number' },
  out: { type: 'string' },
  'skip-hll': { type: 'boolean' },
  'skip-floor': { type: 'boolean' },
  'skip-naive': { type: 'boolean' },
  'skip-gitlab': { type: 'boolean' },
  'skip-servping': { type: 'boolean' },
  'skip-queue': { type: 'boolean' },
  'skip-ingest': { type: 'boolean' },
} as const;

const USAGE = `usage: servping bench [--rows <N>] [--seed <int>] [--workers <list>] [--skip-<section>]...

Seeds the demo instance (skipped when the same rows and seed are already there) and measures the
metric catalog three ways — naive (one exact statement per metric), gitlab (GitLab's batch
counters and md5 HLL, one process) and servping (trigger → payload at Versions, per worker
count, repeated) — against a floor (one plain count(*) per table), each with its wall time and
its load on the instance database (rows read, blocks, transactions), plus HLL SQL speed and
error, queue overhead and Versions ingest. Writes <out>/<date>-rows-<N>.json, .md and .svg.

  --rows <N>                demo rows (default 1e6; 2e7 for the headline numbers)
  --seed <int>              demo data seed (default 1)
  --workers <list>          worker counts of the servping mode, e.g. 1,2,4 (default 1,2,4)
  --servping-runs <n>       runs per worker count, each after a fresh ANALYZE (default 3)
  --definitions <dir>       metric catalog (default shared/metrics)
  --pg-url <url>            PostgreSQL server (default postgres://root@127.0.0.1:5432)
  --db-prefix <name>        bench database names and queue prefix (default servping_bench)
  --hll-max <N>             largest HLL cardinality (default: 10^floor(log10 rows), 10^3..10^7)
  --ingest-seconds <s>      ingest load duration (default 10)
  --ingest-connections <n>  concurrent ingest connections (default 10)
  --queue-metrics <n>       trivial metrics of the queue-overhead run (default 1000)
  --run-timeout-s <s>       limit per servping run (default 3600)
  --out <dir>               results directory (default bench/results)
  --skip-hll --skip-floor --skip-naive --skip-gitlab --skip-servping --skip-queue --skip-ingest

Environment: REDIS_URL (default redis://127.0.0.1:6379).
`;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

function workerCounts(text: string | undefined): number[] {
  const counts = (text ?? '1,2,4').split(',').map((w) => Number(w.trim()));
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new UsageError(`--workers expects a comma-separated list of counts 1..64, got "${text}"`);
  }
  return counts;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmark the catalog naive, GitLab-style and through the servping pipeline',
  usage: USAGE,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, FLAGS);
    if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
    const rows = positiveInteger('rows', flags.rows, 1_000_000);
    const hllMax = flags['hll-max'] ?? defaultHllMax(rows);
    if (![1e3, 1e4, 1e5, 1e6, 1e7, 1e8].includes(hllMax))
      throw new UsageError('--hll-max must be a power of ten ≥ 1000');
    const seed = flags.seed ?? 1;
    if (!Number.isSafeInteger(seed)) throw new UsageError('--seed must be an integer');
    const options: BenchOptions = {
      repoRoot: REPO_ROOT,
      rows,
      seed,
      workers: workerCounts(flags.workers),
      servpingRuns: positiveInteger('servping-runs', flags['servping-runs'], 3),
      definitionsDir: path.resolve(flags.definitions ?? path.join(REPO_ROOT, 'shared/metrics')),
      pgUrl: flags['pg-url'] ?? 'postgres://root@127.0.0.1:5432',
      dbPrefix: flags['db-prefix'] ?? 'servping_bench',
      redisUrl: io.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      hllMax,
      ingestSeconds: positiveInteger('ingest-seconds', flags['ingest-seconds'], 10),
      ingestConnections: positiveInteger('ingest-connections', flags['ingest-connections'], 10),
      queueMetrics: positiveInteger('queue-metrics', flags['queue-metrics'], 1000),
      skip: {
        hll: flags['skip-hll'],
        floor: flags['skip-floor'],
        naive: flags['skip-naive'],
        gitlab: flags['skip-gitlab'],
        servping: flags['skip-servping'],
        queue: flags['skip-queue'],
        ingest: flags['skip-ingest'],
      },
      outDir: path.resolve(flags.out ?? path.join(REPO_ROOT, 'bench/results')),
      runTimeoutS: positiveInteger('run-timeout-s', flags['run-timeout-s'], 3600),
    };
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(options.dbPrefix)) {
      throw new UsageError('--db-prefix must be a lower-case identifier of at most 41 characters');
    }

    const started = new Date().toISOString().slice(0, 10);
    const base = path.join(options.outDir, `${started}-rows-${scaleLabel(rows)}`);
    await mkdir(options.outDir, { recursive: true });
    const save = async (result: BenchResult) => {
      await writeFile(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
      await writeFile(`${base}.md`, renderMarkdown(result));
      await writeFile(
        `${base}.svg`,
        renderModeChart(
          modeBars(result),
          `Full catalog, ${scaleLabel(rows)} rows: wall time and database load per mode`,
        ),
      );
    };
    const result = await runBench(options, io, save);
    await save(result);
    io.stdout.write(`${renderMarkdown(result)}\nwrote ${base}.json, .md and .svg\n`);
    return 0;
  },
};
