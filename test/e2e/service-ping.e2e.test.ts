/**
 * The one end-to-end test: a seeded demo instance, the four services as real processes on real
 * ports (from their built dist, as containers run them), a run triggered over HTTP, and the
 * payload Versions stored compared with the payload the collector side stored and with ground
 * truth: exact metrics equal, estimates within 2 %.
 */
import { definitionKinds } from '@servping/compute';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import {
  loadDictionaryOrThrow,
  payloadDefinitions,
  type MetricDefinition,
  type RunView,
  type WireMetricTiming,
} from '@servping/shared';
import { CollectorClient, readDictionaryFiles } from '@servping/runtime';
import { demoSeedCommand } from '../../services/cli/src/commands/demo-seed';
import { computeGroundTruth, dropDatabase, ensureDatabase } from '@servping/demo';
import { freePorts, startStack, type RunningStack } from '@servping/stack';
import { postgresUrl, redisUrl } from '@servping/test-servers';

const REPO = path.resolve(__dirname, '..', '..');
const CATALOG = path.join(REPO, 'shared', 'metrics');
const ID = randomBytes(4).toString('hex');
const db = (name: string) => postgresUrl(`servping_e2e_${name}_${ID}`);
const URLS = { instance: db('instance'), servping: db('state'), versions: db('versions') };
// A Redis database of its own: the catalog's event keys are global names ({hll_counters}_…).
const REDIS_URL = redisUrl(12);
const ADMIN_TOKEN = `e2e-admin-${ID}`;
const READ_TOKEN = `e2e-read-${ID}`;

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

/** The value at a dotted key path of a nested payload. */
function at(payload: unknown, keyPath: string): unknown {
  return keyPath
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], payload);
}

describe('a service ping end to end', () => {
  let stack: RunningStack | undefined;
  let view: RunView;
  let stored: { payload: Record<string, unknown>; usageDataId: number; timings: WireMetricTiming[] };
  let received: { id: number; payload: Record<string, unknown> };
  let definitions: MetricDefinition[];
  let truth: Record<string, unknown>;

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      INSTANCE_DATABASE_URL: URLS.instance,
      SERVPING_DATABASE_URL: URLS.servping,
      VERSIONS_DATABASE_URL: URLS.versions,
      REDIS_URL,
      SERVPING_QUEUE_PREFIX: `{e2e-${ID}}`,
      SERVPING_ADMIN_TOKENS: ADMIN_TOKEN,
      VERSIONS_READ_TOKENS: READ_TOKEN,
      SERVPING_SCHEDULE_ENABLED: 'false',
      SERVPING_PRODUCT_SETTINGS:
        '{"ldap_encrypted_secrets_enabled":false,"smtp_encrypted_secrets_enabled":false}',
      // Shard the big tables so the run exercises shard jobs and their merge.
      SERVPING_SHARD_ROWS: '2000',
      LOG_LEVEL: 'warn',
    };
    await Promise.all([ensureDatabase(URLS.servping), ensureDatabase(URLS.versions)]);
    const seeded = await demoSeedCommand.run(['--rows', '100000', '--seed', '3'], {
      stdout: discard(),
      stderr: process.stderr,
      env,
    });
    expect(seeded).toBe(0);

    const [versionsPort, collectorPort, aggregatorOps, ...workerOps] = (await freePorts(5)) as [
      number,
      number,
      number,
      ...number[],
    ];
    const ports = { versions: versionsPort, collector: collectorPort, aggregatorOps, workerOps };
    stack = await startStack({
      repoRoot: REPO,
      env,
      workers: 2,
      ports,
      logDir: path.join(REPO, '.servping', 'logs', `e2e-${ID}`),
    });

    const client = new CollectorClient(stack.collectorUrl, ADMIN_TOKEN);
    const runId = await client.trigger({ submit: true, requestedBy: 'api' });
    view = await client.waitForRun(runId, { submit: true, timeoutMs: 240_000 });

    const servping = new Pool({ connectionString: URLS.servping, max: 1 });
    const versions = new Pool({ connectionString: URLS.versions, max: 1 });
    const instance = new Pool({ connectionString: URLS.instance, max: 2 });
    try {
      const mine = await servping.query<{
        payload: Record<string, unknown>;
        metadata: { metrics: WireMetricTiming[] };
        id: string | null;
        recorded_at: Date;
      }>(
        'SELECT payload, metadata, version_usage_data_id_value AS id, recorded_at FROM raw_usage_data WHERE run_id = $1',
        [runId],
      );
      expect(mine.rowCount).toBe(1);
      const mineRow = mine.rows[0]!;
      stored = {
        payload: mineRow.payload,
        usageDataId: Number(mineRow.id),
        timings: mineRow.metadata.metrics,
      };
      const theirs = await versions.query<{ id: string; payload: Record<string, unknown> }>(
        'SELECT id, payload FROM usage_data',
      );
      expect(theirs.rowCount).toBe(1);
      received = { id: Number(theirs.rows[0]!.id), payload: theirs.rows[0]!.payload };
      definitions = loadDictionaryOrThrow(await readDictionaryFiles(CATALOG), definitionKinds);
      truth = await computeGroundTruth(instance, definitions, mineRow.recorded_at);
    } finally {
      await Promise.all([servping.end(), versions.end(), instance.end()]);
    }
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    await redis.quit();
    await Promise.all(Object.values(URLS).map((url) => dropDatabase(url)));
  }, 60_000);

  it('finishes the run and delivers the payload to Versions once', () => {
    expect(view.state).toBe('finished');
    expect(view.submission?.usageDataId).toBeGreaterThan(0);
    expect(view.shards).toBeGreaterThan(0);
    expect(stored.usageDataId).toBe(received.id);
  });

  it('computes metrics over the same rows in shared table passes, each with its own timing', () => {
    const byPass = new Map<string, WireMetricTiming[]>();
    for (const timing of stored.timings.filter((t) => t.pass !== undefined)) {
      byPass.set(timing.pass!, [...(byPass.get(timing.pass!) ?? []), timing]);
    }
    expect(byPass.size).toBeGreaterThan(0);
    for (const members of byPass.values()) {
      expect(members.length).toBeGreaterThanOrEqual(2);
      // Every member reports the same pass: its statements and rows are the pass's, counted once.
      expect(new Set(members.map((m) => `${m.pass_statements}/${m.pass_rows}`)).size).toBe(1);
      expect(members[0]!.pass_statements).toBeGreaterThan(0);
    }
  });

  it('stores at Versions exactly the payload the collector side stored', () => {
    expect(received.payload).toEqual(stored.payload);
  });

  it('reports every payload metric, with no fallback but the Prometheus one (no server here)', () => {
    const expected = payloadDefinitions(definitions, ['operational', 'optional', 'subscription', 'standard']);
    const missing = expected.filter((d) => at(stored.payload, d.keyPath) === undefined).map((d) => d.keyPath);
    expect(missing).toEqual([]);
    const fallbacks = expected
      .filter((d) => d.status !== 'deprecated')
      .filter((d) => {
        const value = at(stored.payload, d.keyPath);
        return value === -1 || (typeof value === 'object' && value !== null && '-1' in value);
      })
      .map((d) => d.spec.kind);
    expect([...new Set(fallbacks)]).toEqual(fallbacks.length > 0 ? ['prometheus'] : []);
  });

  it('matches ground truth: exact metrics equal, estimates within 2 %', () => {
    const estimates = new Set(
      definitions
        .filter((d) => d.spec.kind === 'database' && d.spec.query.operation === 'estimate_distinct_count')
        .map((d) => d.keyPath),
    );
    const wrong: string[] = [];
    for (const [keyPath, expected] of Object.entries(truth)) {
      const actual = at(stored.payload, keyPath);
      if (estimates.has(keyPath)) {
        const e = Number(expected);
        const error = e === 0 ? Math.abs(Number(actual)) : Math.abs(Number(actual) - e) / e;
        if (!(error <= 0.02)) wrong.push(`${keyPath}: ${String(actual)} vs ${e}`);
      } else if (canonical(actual) !== canonical(expected)) {
        wrong.push(`${keyPath}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
      }
    }
    expect(Object.keys(truth).length).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('carries the Internal Events the demo tracked, in every time frame', () => {
    const internal = definitions.filter(
      (d) =>
        d.status === 'active' &&
        (d.spec.kind === 'internal_events' ||
          (d.spec.kind === 'aggregated' && d.spec.source === 'internal_events')),
    );
    expect(new Set(internal.map((d) => d.timeFrame))).toEqual(new Set(['7d', '28d', 'all']));
    const empty = internal.filter((d) => !(Number(at(stored.payload, d.keyPath)) > 0)).map((d) => d.keyPath);
    expect(empty).toEqual([]);
  });
});

/** JSON with object keys sorted, so grouped results compare by content, not key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
