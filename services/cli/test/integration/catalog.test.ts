/**
 * The shipped metric catalog end to end on a seeded demo instance: it validates, and the worker's
 * compute engine (batched, HLL-estimating, Redis-reading) agrees with ground truth — every exact
 * database metric equal to one plain unbatched query, every estimate within 2 %, every Redis
 * metric equal to (counters) or within 2 % of (unique users) what the seeder tracked.
 */
import path from 'node:path';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import {
  isDeferredToAggregator,
  knownCounterKeys,
  knownEvents,
  loadDictionaryOrThrow,
  loadEventsOrThrow,
  type EventSelection,
  resolveDeferredMetrics,
  toRedisWindow,
  windowWeeks,
  formatIsoWeek,
  isoWeek,
  type MetricDefinition,
  type MetricResult,
} from '@servping/shared';
import { createPgPool, readDatabaseFacts, readDictionaryFiles } from '@servping/runtime';
import {
  computeMetric,
  createRedisUsageReader,
  InstanceDbRepository,
  type ComputeContext,
  definitionKinds,
} from '@servping/compute';
import { definitionsValidateCommand } from '../../src/commands/definitions-validate';
import { demoSeedCommand } from '../../src/commands/demo-seed';
import {
  computeGroundTruth,
  databaseMetrics,
  dropDatabase,
  planInternalEvents,
  planRedisEvents,
  planRowCounts,
} from '@servping/demo';
import { runCaptured } from '../support/captured-io';
import { postgresUrl, redisUrl } from '@servping/test-servers';

const CATALOG = path.resolve(__dirname, '../../../../shared/metrics');
const DB_NAME = `servping_catalog_test_${process.pid}_${Date.now()}`;
const URL = postgresUrl(DB_NAME);
const REDIS_PREFIX = `test:catalog:${process.pid}:${Date.now()}:`;
const RECORDED_AT = new Date('2025-06-04T12:00:00Z');
const ROWS = 100_000;
const SEED = 7;

const relativeError = (actual: number, expected: number) =>
  expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / expected;

describe('metric catalog on the demo instance', () => {
  let definitions: MetricDefinition[];
  let events: ReturnType<typeof loadEventsOrThrow>;
  let results: Map<string, MetricResult>;
  let redis: Redis;
  let raw: Redis;

  beforeAll(async () => {
    const { code, stderr } = await runCaptured(
      [
        '--rows',
        String(ROWS),
        '--seed',
        String(SEED),
        '--now',
        RECORDED_AT.toISOString(),
        '--redis-key-prefix',
        REDIS_PREFIX,
      ],
      { INSTANCE_DATABASE_URL: URL, REDIS_URL: redisUrl() },
      demoSeedCommand,
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

    const files = await readDictionaryFiles(CATALOG);
    definitions = loadDictionaryOrThrow(files, definitionKinds);
    events = loadEventsOrThrow(files);
    redis = new Redis(redisUrl(), { keyPrefix: REDIS_PREFIX });
    raw = new Redis(redisUrl());
    const db = InstanceDbRepository.connect({
      connectionString: URL,
      applicationName: 'catalog-test',
      statementTimeoutMs: 60_000,
    });
    const factsPool = createPgPool({ connectionString: URL, applicationName: 'catalog-test-facts', max: 1 });
    try {
      const ctx: ComputeContext = {
        recordedAt: RECORDED_AT,
        db,
        usage: createRedisUsageReader(redis),
        facts: {
          uuid: '11111111-2222-3333-4444-555555555555',
          hostname: hostname(),
          version: '0.1.0',
          edition: 'CE',
          installationType: 'test',
          database: await readDatabaseFacts(factsPool),
          collectedDataCategories: ['standard', 'subscription', 'operational', 'optional'],
        },
        settings: { usage_ping_enabled: true },
        license: {},
        deadlineMs: 60_000,
      };
      const live = definitions.filter((d) => d.status !== 'removed');
      const direct: MetricResult[] = [];
      for (const definition of live.filter(
        (d) => !isDeferredToAggregator(d.spec) || d.status === 'deprecated',
      )) {
        direct.push(await computeMetric(definition, ctx));
      }
      const deferred = resolveDeferredMetrics(live, direct);
      results = new Map([...direct, ...deferred].map((r) => [r.keyPath, r]));
    } finally {
      await Promise.all([db.close(), factsPool.end()]);
    }
  });

  afterAll(async () => {
    const keys = (await raw?.keys(`${REDIS_PREFIX}*`)) ?? [];
    if (keys.length > 0) await raw.del(...keys);
    await Promise.all([redis?.quit(), raw?.quit()]);
    await dropDatabase(URL);
  });

  it('validates with definitions validate', async () => {
    const { code, stdout, stderr } = await runCaptured([CATALOG], {}, definitionsValidateCommand);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('0 problems');
  });

  it('is at least 150 definitions covering every operation and data source', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(150);
    const operations = new Set(
      definitions.flatMap((d) => (d.spec.kind === 'database' ? [d.spec.query.operation] : [])),
    );
    expect([...operations].sort()).toEqual(
      ['average', 'count', 'distinct_count', 'estimate_distinct_count', 'histogram', 'sum'].sort(),
    );
    const kinds = new Set(definitions.map((d) => d.spec.kind));
    for (const kind of [
      'database',
      'redis_counter',
      'redis_hll',
      'aggregated',
      'add',
      'system',
      'setting',
      'license',
      'prometheus',
      'internal_events',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(new Set(definitions.map((d) => d.status))).toEqual(new Set(['active', 'deprecated', 'removed']));
  });

  it('computes every exact database metric equal to ground truth and every estimate within 2 %', async () => {
    const pool = createPgPool({ connectionString: URL, applicationName: 'catalog-test-truth', max: 1 });
    let truth;
    try {
      truth = await computeGroundTruth(pool, definitions, RECORDED_AT);
    } finally {
      await pool.end();
    }
    const metrics = databaseMetrics(definitions);
    expect(Object.keys(truth)).toHaveLength(metrics.length);
    const mismatches: string[] = [];
    for (const definition of metrics) {
      const result = results.get(definition.keyPath);
      const expected = truth[definition.keyPath];
      const estimate =
        definition.spec.kind === 'database' && definition.spec.query.operation === 'estimate_distinct_count';
      const ok = estimate
        ? typeof result?.value === 'number' && relativeError(result.value, expected as number) <= 0.02
        : JSON.stringify(result?.value) === JSON.stringify(expected);
      if (!ok || result?.error) {
        mismatches.push(
          `${definition.keyPath}: engine ${JSON.stringify(result?.value)} truth ${JSON.stringify(expected)} ${result?.error ?? ''}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
    // The DevOps score inputs and windowed metrics are non-trivial on the demo data.
    for (const keyPath of [
      'counts.service_desk_issues',
      'counts.projects_prometheus_active',
      'counts_monthly.deployments',
      'usage_activity_by_stage_monthly.create.merge_requests',
    ]) {
      expect(truth[keyPath]).toBeGreaterThan(0);
    }
    expect(truth['counts.projects']).toBe(planRowCounts(ROWS).projects);
  });

  it('reads the Redis counters and unique users the seeder tracked', () => {
    const plan = planRedisEvents({
      seed: SEED,
      now: RECORDED_AT,
      users: planRowCounts(ROWS).users,
      events: knownEvents(definitions),
      counterKeys: knownCounterKeys(definitions),
    });
    const counterBy = new Map(plan.counters.map((c) => [c.key, c.by]));
    const problems: string[] = [];
    for (const definition of definitions.filter((d) => d.status === 'active')) {
      const { spec } = definition;
      const value = results.get(definition.keyPath)?.value;
      let expected: number | undefined;
      if (spec.kind === 'redis_counter') {
        expected = counterBy.get(spec.key);
        if (value !== expected)
          problems.push(`${definition.keyPath}: ${JSON.stringify(value)} expected ${expected}`);
        continue;
      }
      const union =
        spec.kind === 'redis_hll' ||
        (spec.kind === 'aggregated' && spec.source === 'redis_hll' && spec.operator === 'OR');
      if (!union) continue;
      const weeks = new Set(windowWeeks(RECORDED_AT, toRedisWindow(definition.timeFrame)).map(formatIsoWeek));
      const users = new Set<number>();
      for (const batch of plan.uniques) {
        if (spec.events.includes(batch.event) && weeks.has(formatIsoWeek(isoWeek(batch.at)))) {
          batch.userIds.forEach((id) => users.add(id));
        }
      }
      expected = users.size;
      if (typeof value !== 'number' || relativeError(value, expected) > 0.02) {
        problems.push(`${definition.keyPath}: ${JSON.stringify(value)} expected about ${expected}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('reads the Internal Events the seeder tracked: totals exact, unique counts within 2 %', () => {
    const rows = planRowCounts(ROWS);
    const occurrences = planInternalEvents({
      seed: SEED,
      now: RECORDED_AT,
      users: rows.users,
      projects: rows.projects,
      namespaces: rows.namespaces,
      events,
      definitions,
    });
    /** The occurrences a selection counts in a time frame, straight from the plan. */
    const counted = (selection: EventSelection, timeFrame: string) => {
      const weeks =
        timeFrame === 'all'
          ? undefined
          : new Set(windowWeeks(RECORDED_AT, toRedisWindow(timeFrame)).map(formatIsoWeek));
      return occurrences.filter(
        ({ at, body }) =>
          body.event === selection.event &&
          (!weeks || weeks.has(formatIsoWeek(isoWeek(at)))) &&
          Object.entries(selection.filter).every(([k, v]) => body.additional_properties?.[k] === v),
      );
    };
    const identifierOf = {
      'user.id': 'user_id',
      'project.id': 'project_id',
      'namespace.id': 'namespace_id',
    } as const;
    const problems: string[] = [];
    let checked = 0;
    for (const definition of definitions.filter((d) => d.status === 'active')) {
      const { spec, timeFrame, keyPath } = definition;
      const selections: EventSelection[] =
        spec.kind === 'internal_events'
          ? spec.selections
          : spec.kind === 'aggregated' && spec.source === 'internal_events'
            ? spec.events.map((event) => ({ event, filter: {}, unique: spec.unique }))
            : [];
      if (selections.length === 0) continue;
      checked++;
      const value = results.get(keyPath)?.value;
      const matching = selections.flatMap((s) => counted(s, timeFrame).map((o) => ({ o, unique: s.unique })));
      if (selections.every((s) => !s.unique)) {
        if (value !== matching.length)
          problems.push(`${keyPath}: ${JSON.stringify(value)} expected ${matching.length}`);
        continue;
      }
      const distinct = new Set(
        matching.map(({ o, unique }) => String(o.body[identifierOf[unique as keyof typeof identifierOf]])),
      ).size;
      if (typeof value !== 'number' || relativeError(value, distinct) > 0.02 || distinct === 0) {
        problems.push(`${keyPath}: ${JSON.stringify(value)} expected about ${distinct}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(13);
  });

  it('reports deprecated metrics as -1000 and does not compute removed ones', () => {
    expect(results.get('counts.projects_with_prometheus_alerts')?.value).toBe(-1000);
    expect(results.has('counts.clusters_applications_helm')).toBe(false);
  });
});
