/**
 * `servping bench` end to end: seed (or reuse) the demo instance, then each section in the order
 * of what it depends on — HLL (PostgreSQL only), the single-process baselines, ingest (Versions),
 * the servping pipeline per worker count, queue overhead (the whole pipeline). A section that
 * fails records `{ "error": … }` and the bench goes on: numbers are never invented.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createPgPool, createRedis, readDatabaseFacts } from '@servping/runtime';
import { errorText, type InstanceFacts, type MetricValue } from '@servping/shared';
import { InstanceDbRepository } from '@servping/compute';
import type { CommandIo } from '../command';
import { databaseNameOf } from '../demo/instance-schema.repository';
import { loadBenchCatalog, type BenchCatalog } from './bench-catalog';
import { benchDatabases, type BenchDatabases, type BenchOptions } from './bench-options';
import { prepareBenchState, storedPayload } from './bench-state.repository';
import { ensureSeeded } from './ensure-seeded';
import { runHllBench } from './hll-bench.repository';
import { runIngestSection } from './ingest-section';
import { clockIndependentExactMetrics, compareValues, payloadValues, type Agreement } from './mode-agreement';
import {
  runSingleProcessMode,
  type SingleProcessMode,
  type SingleProcessResult,
} from './single-process-mode';
import { runOnStack, type StackRunResult } from './stack-run';
import { trivialDefinitionFiles } from './trivial-dictionary';

export type Section<T> = T | { error: string } | { skipped: string };

export interface BenchResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; memoryMb: number; node: string; postgres: string };
  options: Omit<BenchOptions, 'repoRoot'>;
  /** Service tuning passed through the environment to the started processes. */
  serviceEnv: Record<string, string>;
  seed: Section<{ reused: boolean; seconds: number; rows: number; seed: number; now: string }>;
  catalog: Section<{ dir: string; total: number; database: number; other: number; notComputed: number }>;
  modes: {
    naive: Section<Omit<SingleProcessResult, 'values'>>;
    gitlab: Section<
      Omit<SingleProcessResult, 'values'> & { agreementWithNaive: ReturnType<typeof compareValues> }
    >;
    /**
     * `agreementWithNaive`: the run's stored payload against the naive mode's exact values, on the
     * metrics a later clock cannot change (`clockIndependentExactMetrics`); absent without naive.
     */
    servping: Record<string, Section<StackRunResult & { agreementWithNaive?: Agreement }>>;
  };
  ratios: Record<string, { overNaive: number | null; overGitlab: number | null }>;
  hll: Section<Awaited<ReturnType<typeof runHllBench>>>;
  queueOverhead: Section<StackRunResult & { trivialMetrics: number; msPerMetric: number }>;
  ingest: Section<Awaited<ReturnType<typeof runIngestSection>>>;
}

const ADMIN_TOKEN = 'servping-bench-admin-token';

/**
 * Runs every section not skipped. `save` is called with the result so far after each section,
 * so an interrupted bench still leaves what it measured.
 */
export async function runBench(
  options: BenchOptions,
  io: CommandIo,
  save: (partial: BenchResult) => Promise<void> = async () => undefined,
): Promise<BenchResult> {
  const say = (line: string) => io.stdout.write(`[bench] ${line}\n`);
  const dbs = benchDatabases(options.pgUrl, options.dbPrefix);
  const logRoot = path.join(options.outDir, 'logs');
  const { repoRoot: _repoRoot, ...recordedOptions } = options;
  const result: BenchResult = {
    version: 1,
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
    modes: { naive: { skipped: 'not run' }, gitlab: { skipped: 'not run' }, servping: {} },
    ratios: {},
    hll: { skipped: '--skip-hll' },
    queueOverhead: { skipped: '--skip-queue' },
    ingest: { skipped: '--skip-ingest' },
  };

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

  let catalog: BenchCatalog | undefined;
  try {
    catalog = await loadBenchCatalog(options.definitionsDir);
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
  } catch (error) {
    result.catalog = { error: errorText(error) };
  }

  if (!options.skip.hll) {
    say(`HLL: p=14 registers vs GitLab md5/512 up to ${options.hllMax} distinct values`);
    result.hll = await section(() => runHllBench(dbs.instance, options.hllMax));
    await save(result);
  }

  const values: Partial<Record<SingleProcessMode, SingleProcessResult['values']>> = {};
  // One run clock for both baselines, so their 7d/28d windows and recorded_at agree.
  const recordedAt = new Date();
  for (const mode of ['naive', 'gitlab'] as const) {
    if (options.skip[mode]) {
      result.modes[mode] = { skipped: `--skip-${mode}` };
      continue;
    }
    if (!catalog) {
      result.modes[mode] = { error: 'the catalog did not load' };
      continue;
    }
    say(`${mode}: ${catalog.database.length + catalog.other.length} metrics, one process, one connection`);
    const outcome = await section(() => singleProcess(mode, catalog, recordedAt, dbs, options, io));
    if ('values' in outcome) {
      const { values: modeValues, ...rest } = outcome;
      values[mode] = modeValues;
      say(
        `${mode}: ${(rest.wallMs / 1000).toFixed(1)} s, longest statement ${rest.statements.longestMs.toFixed(0)} ms, ${rest.failed} failed`,
      );
      if (mode === 'naive') result.modes.naive = rest;
      else {
        const estimates = new Set(
          catalog.database
            .filter((d) => d.query.operation === 'estimate_distinct_count')
            .map((d) => d.metric.keyPath),
        );
        result.modes.gitlab = {
          ...rest,
          agreementWithNaive: compareValues(values.naive ?? {}, modeValues, estimates),
        };
      }
    } else {
      result.modes[mode] = outcome;
    }
    await save(result);
  }

  if (!options.skip.ingest) {
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

  const stackEnv = (definitionsDir: string): NodeJS.ProcessEnv => ({
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
  });
  const onStack = async (workers: number, definitionsDir: string, logName: string) => {
    await prepareBenchState(dbs, options.redisUrl);
    return runOnStack({
      repoRoot: options.repoRoot,
      env: stackEnv(definitionsDir),
      workers,
      logDir: path.join(logRoot, logName),
      adminToken: ADMIN_TOKEN,
      servpingUrl: dbs.servping,
      instance: { url: dbs.instance, name: databaseNameOf(dbs.instance) },
      runTimeoutS: options.runTimeoutS,
    });
  };

  const exactKeyPaths = catalog ? clockIndependentExactMetrics(catalog) : [];
  const servpingAgreement = async (runId: string, naive: Readonly<Record<string, MetricValue>>) => {
    const payload = await storedPayload(dbs.servping, runId);
    const exactNaive = Object.fromEntries(exactKeyPaths.filter((k) => k in naive).map((k) => [k, naive[k]!]));
    return compareValues(exactNaive, payloadValues(payload, exactKeyPaths));
  };

  if (!options.skip.servping) {
    for (const workers of options.workers) {
      say(`servping: ${workers} worker(s), trigger → payload at Versions`);
      const outcome = await section(() => onStack(workers, options.definitionsDir, `servping-${workers}w`));
      if ('wallMs' in outcome) {
        say(`servping ${workers}w: ${(outcome.wallMs / 1000).toFixed(1)} s`);
        const agreement = values.naive && (await servpingAgreement(outcome.runId, values.naive));
        if (agreement) say(`servping ${workers}w agrees with naive: ${formatAgreement(agreement)}`);
        result.modes.servping[String(workers)] = agreement
          ? { ...outcome, agreementWithNaive: agreement }
          : outcome;
      } else {
        say(`servping ${workers}w: ${outcome.error}`);
        result.modes.servping[String(workers)] = outcome;
      }
      result.ratios = ratios(result);
      await save(result);
    }
  }
  result.ratios = ratios(result);

  if (!options.skip.queue) {
    say(`queue overhead: ${options.queueMetrics} trivial metrics end to end`);
    result.queueOverhead = await section(async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'servping-bench-queue-'));
      try {
        for (const file of trivialDefinitionFiles(options.queueMetrics)) {
          await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
          await writeFile(path.join(dir, file.path), file.text);
        }
        const run = await onStack(Math.max(1, options.workers[0] ?? 1), dir, 'queue-overhead');
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

  result.finishedAt = new Date().toISOString();
  return result;
}

/** servping wall time over each baseline's, per worker count (null where either is missing). */
export function ratios(result: Pick<BenchResult, 'modes'>): BenchResult['ratios'] {
  const wall = (section: unknown) =>
    section && typeof section === 'object' && 'wallMs' in section
      ? (section as { wallMs: number }).wallMs
      : null;
  const naive = wall(result.modes.naive);
  const gitlab = wall(result.modes.gitlab);
  const out: BenchResult['ratios'] = {};
  for (const [workers, section] of Object.entries(result.modes.servping)) {
    const servping = wall(section);
    const over = (base: number | null) =>
      servping !== null && base !== null && base > 0 ? Math.round((servping / base) * 1000) / 1000 : null;
    out[workers] = { overNaive: over(naive), overGitlab: over(gitlab) };
  }
  return out;
}

async function section<T>(run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (error) {
    return { error: errorText(error) };
  }
}

async function singleProcess(
  mode: SingleProcessMode,
  catalog: BenchCatalog,
  recordedAt: Date,
  dbs: BenchDatabases,
  options: BenchOptions,
  io: CommandIo,
): Promise<SingleProcessResult> {
  const db = InstanceDbRepository.connect({
    connectionString: dbs.instance,
    applicationName: `servping-bench-${mode}`,
    max: 1,
    // naive measures the plain statement however long it takes; gitlab's batches keep the
    // engine's 15 s limit (a GitLab instance's statement timeout is of that order).
    statementTimeoutMs: mode === 'naive' ? 3_600_000 : 15_000,
  });
  const redis = createRedis(options.redisUrl, 'producer');
  try {
    let lastLine = 0;
    return await runSingleProcessMode(mode, catalog, {
      db,
      redis,
      facts: await benchFacts(dbs.instance),
      recordedAt,
      onMetric: (done, total) => {
        if (Date.now() - lastLine < 10_000 && done !== total) return;
        lastLine = Date.now();
        io.stdout.write(`[bench] ${mode}: ${done}/${total} metrics\n`);
      },
    });
  } finally {
    await Promise.all([db.close(), redis.quit()]);
  }
}

/** The identity the single-process modes report for system metrics (the collector's in servping mode). */
async function benchFacts(instanceUrl: string): Promise<InstanceFacts> {
  const pool = createPgPool({
    connectionString: instanceUrl,
    applicationName: 'servping-bench-facts',
    readOnly: true,
    max: 1,
  });
  try {
    return {
      uuid: '00000000-0000-0000-0000-00000000be7c',
      hostname: 'servping-bench',
      version: '0.1.0',
      edition: 'CE',
      installationType: 'bench',
      database: await readDatabaseFacts(pool),
      collectedDataCategories: ['standard', 'subscription', 'operational', 'optional'],
    };
  } finally {
    await pool.end();
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

/** "242 compared, 0 mismatched" plus the first differences. */
function formatAgreement(agreement: Agreement): string {
  const examples = agreement.examples
    .slice(0, 3)
    .map((e) => `${e.keyPath}: naive ${JSON.stringify(e.a)}, servping ${JSON.stringify(e.b)}`);
  return [`${agreement.compared} compared, ${agreement.mismatched} mismatched`, ...examples].join('; ');
}
