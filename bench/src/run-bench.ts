/**
 * `servping bench` end to end: seed (or reuse) the demo instance, then each section in the order
 * of what it depends on — HLL (PostgreSQL only), the floor and the single-process baselines,
 * ingest (Versions), the servping pipeline per worker count (repeated), queue overhead (the whole
 * pipeline). Every mode records its wall time and its load on the instance database. A section
 * that fails records `{ "error": … }` and the bench goes on: numbers are never invented.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { errorText } from '@servping/shared';
import type { BenchIo } from './bench-io';
import { databaseNameOf } from '@servping/demo';
import { loadBenchCatalog, type BenchCatalog } from './bench-catalog';
import { benchDatabases, type BenchDatabases, type BenchOptions } from './bench-options';
import { prepareBenchState, storedPayload } from './bench-state.repository';
import { readBenchFacts, runBaseline } from './baseline-run.repository';
import { ensureSeeded } from './ensure-seeded';
import { runHllBench } from './hll-bench.repository';
import { runIngestSection } from './ingest-section';
import type { BenchResult } from './bench-result';
import { listProductTables, measureDatabaseLoad, type LoadUrls } from './database-load.repository';
import { runFloorMode } from './floor-mode.repository';
import { clockIndependentExactMetrics, compareValues, payloadValues } from './mode-agreement';
import type { SingleProcessResult } from './single-process-mode';
import { describeLoad, runServpingSeries } from './servping-runs';
import { ratios, targetsOf } from './servping-verdicts';
import { runOnStack, type StackRunResult } from './stack-run';
import { trivialDefinitionFiles } from './trivial-dictionary';

const ADMIN_TOKEN = 'servping-bench-admin-token';

/** What every section of one bench invocation shares. */
interface BenchContext {
  options: BenchOptions;
  dbs: BenchDatabases;
  load: LoadUrls;
  result: BenchResult;
  say: (line: string) => void;
  save: (partial: BenchResult) => Promise<void>;
  io: BenchIo;
  logRoot: string;
}

/**
 * Runs every section not skipped. `save` is called with the result so far after each section,
 * so an interrupted bench still leaves what it measured.
 */
export async function runBench(
  options: BenchOptions,
  io: BenchIo,
  save: (partial: BenchResult) => Promise<void> = () => Promise.resolve(),
): Promise<BenchResult> {
  const dbs = benchDatabases(options.pgUrl, options.dbPrefix);
  const ctx: BenchContext = {
    options,
    dbs,
    load: { instance: dbs.instance, maintenance: dbs.maintenance },
    result: await emptyResult(options),
    say: (line) => io.stdout.write(`[bench] ${line}\n`),
    save,
    io,
    logRoot: path.join(options.outDir, 'logs'),
  };
  await seedSection(ctx);
  const catalog = await catalogSection(ctx);
  if (!options.skip.hll) {
    ctx.say(`HLL: p=14 registers vs GitLab md5/512 up to ${options.hllMax} distinct values`);
    ctx.result.hll = await section(() => runHllBench(dbs.instance, options.hllMax));
    await save(ctx.result);
  }
  await floorSection(ctx);
  const naive = await baselineSections(ctx, catalog);
  await ingestSection(ctx);
  await servpingSection(ctx, catalog, naive);
  await queueSection(ctx);
  ctx.result.finishedAt = new Date().toISOString();
  return ctx.result;
}

async function emptyResult(options: BenchOptions): Promise<BenchResult> {
  const { repoRoot: _repoRoot, ...recordedOptions } = options;
  return {
    version: 2,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    machine: {
      cpus: cpus().length,
      memoryMb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      postgres: await serverVersion(options.pgUrl),
    },
    options: recordedOptions,
    serviceEnv: Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          /^WORKER_|^AGGREGATOR_|^COLLECTOR_/.test(entry[0]) && entry[1] !== undefined,
      ),
    ),
    seed: { error: 'not run' },
    catalog: { error: 'not run' },
    modes: {
      floor: { skipped: 'not run' },
      naive: { skipped: 'not run' },
      gitlab: { skipped: 'not run' },
      servping: {},
    },
    ratios: {},
    targets: {},
    hll: { skipped: '--skip-hll' },
    queueOverhead: { skipped: '--skip-queue' },
    ingest: { skipped: '--skip-ingest' },
  };
}

async function seedSection({ options, dbs, result, say, io }: BenchContext): Promise<void> {
  say(
    `seeding ${options.rows} rows (seed ${options.seed}) into ${databaseNameOf(dbs.instance)} unless already there`,
  );
  const seeded = await ensureSeeded(dbs.instance, options.rows, options.seed, io);
  result.seed = {
    reused: seeded.skipped,
    seconds: seeded.seconds,
    rows: seeded.marker.rows,
    seed: seeded.marker.seed,
    now: seeded.marker.now,
  };
  say(
    seeded.skipped
      ? `seed skipped: already seeded at ${seeded.marker.seededAt}`
      : `seeded in ${seeded.seconds} s`,
  );
}

async function catalogSection({ options, result, say }: BenchContext): Promise<BenchCatalog | undefined> {
  try {
    const catalog = await loadBenchCatalog(options.definitionsDir);
    const { dir, total, notComputed } = catalog;
    result.catalog = {
      dir,
      total,
      database: catalog.database.length,
      other: catalog.other.length,
      notComputed,
    };
    say(
      `catalog: ${total} metrics (${catalog.database.length} database, ${catalog.other.length} other, ${notComputed} left to the aggregator or not computed)`,
    );
    return catalog;
  } catch (error) {
    result.catalog = { error: errorText(error) };
    return undefined;
  }
}

/** One plain count per product table: the least any mode reading every table does. */
async function floorSection({ options, dbs, load, result, say, save }: BenchContext): Promise<void> {
  if (options.skip.floor) {
    result.modes.floor = { skipped: '--skip-floor' };
    return;
  }
  say('floor: one plain count(*) per product table, one connection');
  result.modes.floor = await section(async () => {
    const tables = await listProductTables(load);
    const { value, load: measured } = await measureDatabaseLoad(load, () =>
      runFloorMode(dbs.instance, tables),
    );
    say(
      `floor: ${(value.wallMs / 1000).toFixed(1)} s over ${value.tables} tables, ${describeLoad(measured)}`,
    );
    return { ...value, load: measured };
  });
  await save(result);
}

/** naive then gitlab, each with its database load; returns naive's values for the agreement checks. */
async function baselineSections(
  ctx: BenchContext,
  catalog: BenchCatalog | undefined,
): Promise<SingleProcessResult['values'] | undefined> {
  const { options, dbs, result, say } = ctx;
  let naiveValues: SingleProcessResult['values'] | undefined;
  // One run clock for both baselines, so their 7d/28d windows and recorded_at agree.
  const recordedAt = new Date();
  // Read before the modes, so their database load holds only their own statements.
  const facts = await section(() => readBenchFacts(dbs.instance));
  for (const mode of ['naive', 'gitlab'] as const) {
    if (options.skip[mode]) {
      result.modes[mode] = { skipped: `--skip-${mode}` };
      continue;
    }
    if (!catalog) {
      result.modes[mode] = { error: 'the catalog did not load' };
      continue;
    }
    if ('error' in facts) {
      result.modes[mode] = { error: `instance facts: ${facts.error}` };
      continue;
    }
    say(`${mode}: ${catalog.database.length + catalog.other.length} metrics, one process, one connection`);
    const outcome = await section(() =>
      measureDatabaseLoad(ctx.load, () =>
        runBaseline(mode, catalog, {
          instanceUrl: dbs.instance,
          redisUrl: options.redisUrl,
          recordedAt,
          facts,
          say,
        }),
      ),
    );
    if ('error' in outcome) {
      result.modes[mode] = outcome;
    } else {
      const { value, load } = outcome;
      const { values, ...rest } = value;
      say(
        `${mode}: ${(rest.wallMs / 1000).toFixed(1)} s, longest statement ${rest.statements.longestMs.toFixed(0)} ms, ${rest.failed} failed, ${describeLoad(load)}`,
      );
      if (mode === 'naive') {
        naiveValues = values;
        result.modes.naive = { ...rest, load };
      } else {
        const estimates = new Set(
          catalog.database
            .filter((d) => d.query.operation === 'estimate_distinct_count')
            .map((d) => d.metric.keyPath),
        );
        result.modes.gitlab = {
          ...rest,
          load,
          agreementWithNaive: compareValues(naiveValues ?? {}, values, estimates),
        };
      }
    }
    await ctx.save(result);
  }
  return naiveValues;
}

async function ingestSection({ options, result, say, save, logRoot }: BenchContext): Promise<void> {
  if (options.skip.ingest) return;
  say(`ingest: ${options.ingestSeconds} s of POST /usage_data on loopback`);
  result.ingest = await section(() =>
    runIngestSection({
      repoRoot: options.repoRoot,
      versionsUrl: benchDatabases(options.pgUrl, `${options.dbPrefix}_ingest`).versions,
      durationS: options.ingestSeconds,
      connections: options.ingestConnections,
      logDir: logRoot,
    }),
  );
  await save(result);
}

/** A fresh bench state and stack for one run of `definitionsDir` with `workers` workers. */
async function onStack(
  { options, dbs, logRoot }: BenchContext,
  workers: number,
  definitionsDir: string,
  logName: string,
): Promise<StackRunResult> {
  await prepareBenchState(dbs, options.redisUrl);
  return runOnStack({
    repoRoot: options.repoRoot,
    env: {
      ...process.env,
      INSTANCE_DATABASE_URL: dbs.instance,
      SERVPING_DATABASE_URL: dbs.servping,
      VERSIONS_DATABASE_URL: dbs.versions,
      REDIS_URL: options.redisUrl,
      SERVPING_QUEUE_PREFIX: dbs.queuePrefix,
      SERVPING_ADMIN_TOKENS: ADMIN_TOKEN,
      SERVPING_DEFINITIONS_DIR: definitionsDir,
      SERVPING_SCHEDULE_ENABLED: 'false',
      VERSIONS_RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'info',
    },
    workers,
    logDir: path.join(logRoot, logName),
    adminToken: ADMIN_TOKEN,
    servpingUrl: dbs.servping,
    instance: { maintenanceUrl: dbs.maintenance, name: databaseNameOf(dbs.instance) },
    runTimeoutS: options.runTimeoutS,
  });
}

async function servpingSection(
  ctx: BenchContext,
  catalog: BenchCatalog | undefined,
  naive: SingleProcessResult['values'] | undefined,
): Promise<void> {
  const { options, dbs, result, say } = ctx;
  if (options.skip.servping) return;
  const exactKeyPaths = catalog ? clockIndependentExactMetrics(catalog) : [];
  const agreement =
    naive &&
    (async (runId: string) => {
      const payload = await storedPayload(dbs.servping, runId);
      const exactNaive = Object.fromEntries(
        exactKeyPaths.filter((k) => k in naive).map((k) => [k, naive[k]!]),
      );
      return compareValues(exactNaive, payloadValues(payload, exactKeyPaths));
    });
  for (const workers of options.workers) {
    say(`servping: ${workers} worker(s), ${options.servpingRuns} run(s), trigger → payload at Versions`);
    result.modes.servping[String(workers)] = await section(() =>
      runServpingSeries({
        workers,
        runs: options.servpingRuns,
        load: ctx.load,
        runOnStack: (run) => onStack(ctx, workers, options.definitionsDir, `servping-${workers}w-run${run}`),
        ...(agreement ? { agreement } : {}),
        say,
      }),
    );
    result.ratios = ratios(result);
    result.targets = targetsOf(result);
    await ctx.save(result);
  }
}

async function queueSection(ctx: BenchContext): Promise<void> {
  const { options, result, say } = ctx;
  if (options.skip.queue) return;
  say(`queue overhead: ${options.queueMetrics} trivial metrics end to end`);
  result.queueOverhead = await section(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'servping-bench-queue-'));
    try {
      for (const file of trivialDefinitionFiles(options.queueMetrics)) {
        await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
        await writeFile(path.join(dir, file.path), file.text);
      }
      const run = await onStack(ctx, Math.max(1, options.workers[0] ?? 1), dir, 'queue-overhead');
      return {
        ...run,
        trivialMetrics: options.queueMetrics,
        msPerMetric: Math.round((run.wallMs / options.queueMetrics) * 1000) / 1000,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

async function section<T>(run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (error) {
    return { error: errorText(error) };
  }
}

async function serverVersion(pgUrl: string): Promise<string> {
  const url = new URL(pgUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v ?? 'unknown';
  } finally {
    await client.end();
  }
}
