import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import {
  hllKey,
  type MetricSpec,
  type MetricStatus,
  type PlannedMetric,
  type TimeFrame,
} from '@servping/shared';
import type { ComputeContext } from '../../src/compute-context';
import { computeMetric } from '../../src/compute-metric';
import { assertKindTable, KINDS } from '../../src/kinds/kinds';
import { createRedisUsageReader } from '../../src/repositories/redis-usage.repository';
import { plannedMetric } from '../../../shared/test/support/definitions';
import { testRedis } from '@servping/test-servers';

// Every key this file writes starts with its own prefix; `raw` (no prefix) cleans them up.
const prefix = `compute_test_${randomBytes(6).toString('hex')}:`;
const DAY_MS = 86_400_000;
// Monday 2020-06-01 (ISO W23): 7d reads W22, 28d reads W19..W22.
const recordedAt = new Date('2020-06-01T10:00:00Z');
const daysAgo = (days: number) => new Date(recordedAt.getTime() - days * DAY_MS);

let redis: Redis;
let raw: Redis;
let prometheus: Server;
let prometheusUrl: string;
const prometheusAnswers = new Map<string, (res: import('node:http').ServerResponse) => void>();

function planned(
  keyPath: string,
  spec: MetricSpec,
  timeFrame: TimeFrame = '28d',
  status: MetricStatus = 'active',
): PlannedMetric {
  return plannedMetric(keyPath, spec, { timeFrame, status });
}

function context(extra: Partial<ComputeContext> = {}): ComputeContext {
  return {
    recordedAt,
    // No metric in this file is a database metric: any call is a bug the test should see.
    db: new Proxy(
      {},
      {
        get: () => {
          throw new Error('database used');
        },
      },
    ) as ComputeContext['db'],
    usage: createRedisUsageReader(redis),
    facts: {
      uuid: 'a4b4c6d1-0000-4000-8000-000000000001',
      hostname: 'servping.example',
      version: '0.1.0',
      edition: 'CE',
      installationType: 'docker',
      database: { adapter: 'postgresql', version: '15.6', pgSystemId: '7710490301922420838', flavor: null },
      collectedDataCategories: ['standard', 'subscription', 'operational', 'optional'],
    },
    settings: { usage_ping_enabled: true, collected_data_categories: ['standard', 'operational'] },
    license: { plan: 'premium', user_count: 25 },
    prometheusUrl,
    ...extra,
  };
}

async function track(event: string, at: Date, values: string[]): Promise<void> {
  await redis.pfadd(hllKey(event, at), ...values);
}
const users = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `user-${from + i}`);

beforeAll(async () => {
  redis = new Redis({ ...testRedis, keyPrefix: prefix });
  raw = new Redis(testRedis);
  prometheus = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const answer = prometheusAnswers.get(query);
    if (answer) answer(res);
    // Unknown queries never get an answer: the "slow counter" of the deadline test.
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;

  // Unique users: W22 = 2 days ago, W21 = 2 weeks ago, W19 = 4 weeks ago; W23 = this week (ignored).
  await track('i_approve', recordedAt, ['user-1', 'user-99']);
  await track('i_approve', daysAgo(2), ['user-1']);
  await track('i_approve', daysAgo(14), ['user-1', 'user-2']);
  await track('i_approve', daysAgo(28), ['user-3']);
  await track('i_approve', daysAgo(29), ['user-4']);
  await track('i_edit', daysAgo(3), ['user-1', 'user-5']);
  // Overlapping sets for aggregates: A = 0..1999, B = 1000..2999, C = 1500..3499, across weeks.
  await track('agg_a', daysAgo(3), users(0, 1000));
  await track('agg_a', daysAgo(10), users(1000, 2000));
  await track('agg_b', daysAgo(17), users(1000, 3000));
  await track('agg_c', daysAgo(24), users(1500, 3500));
  await redis.set('USAGE_SOURCE_CODE_PUSHES', '42');
  await redis.set('USAGE_GARBLED', 'not a number');
});

afterAll(async () => {
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  prometheus.closeAllConnections();
  await new Promise((resolve) => prometheus.close(resolve));
  await Promise.all([redis.quit(), raw.quit()]);
});

describe('redis_hll', () => {
  it.each<[TimeFrame, string[], number]>([
    ['7d', ['i_approve'], 1],
    ['28d', ['i_approve'], 3],
    ['7d', ['i_approve', 'i_edit'], 2],
    ['28d', ['i_approve', 'i_edit'], 4],
    ['7d', ['never_tracked'], 0],
  ])('%s over %j counts %i unique users', async (timeFrame, events, expected) => {
    const result = await computeMetric(
      planned('redis_hll_counters.x', { kind: 'redis_hll', events }, timeFrame),
      context(),
    );
    expect(result).toMatchObject({ keyPath: 'redis_hll_counters.x', value: expected });
    expect(result.error).toBeUndefined();
  });

  it('refuses the all time frame with -1 and the reason', async () => {
    const result = await computeMetric(
      planned('x', { kind: 'redis_hll', events: ['i_approve'] }, 'all'),
      context(),
    );
    expect(result).toMatchObject({
      value: -1,
      error: "time frame 'all' is not allowed for Redis unique counts (only 7d and 28d)",
    });
  });
});

describe('aggregated over Redis events', () => {
  const aggregated = (operator: 'OR' | 'AND', events: string[]) =>
    planned(`agg.${operator}.${events.join('_')}`, {
      kind: 'aggregated',
      source: 'redis_hll',
      operator,
      events,
    });
  const within = (value: unknown, expected: number, tolerance: number) => {
    expect(typeof value).toBe('number');
    expect(Math.abs((value as number) - expected)).toBeLessThanOrEqual(tolerance);
  };

  it('OR is the union of all events over the window', async () => {
    within((await computeMetric(aggregated('OR', ['agg_a', 'agg_b']), context())).value, 3000, 3000 * 0.02);
    within(
      (await computeMetric(aggregated('OR', ['agg_a', 'agg_b', 'agg_c']), context())).value,
      3500,
      3500 * 0.02,
    );
  });

  // Inclusion–exclusion error is about σ·|A∪B| (σ = 0.81% for Redis p = 14); 3σ bounds.
  it('AND of two events is their intersection within the HLL error of the union', async () => {
    within(
      (await computeMetric(aggregated('AND', ['agg_a', 'agg_b']), context())).value,
      1000,
      3 * 0.0081 * 3000,
    );
  });

  it('AND of three events', async () => {
    within(
      (await computeMetric(aggregated('AND', ['agg_a', 'agg_b', 'agg_c']), context())).value,
      500,
      3 * 0.0081 * 3500 * 2,
    );
  });

  it('the 7d window reads only last week, so a set tracked earlier does not intersect', async () => {
    const result = await computeMetric(
      planned(
        'agg.7d',
        { kind: 'aggregated', source: 'redis_hll', operator: 'AND', events: ['agg_a', 'agg_b'] },
        '7d',
      ),
      context(),
    );
    expect(result.value).toBe(0);
  });
});

describe('one batch, isolated failures', () => {
  it('a failing metric reports -1 with its error while the others keep their values', async () => {
    const batch = [
      planned('counts.pushes', { kind: 'redis_counter', key: 'USAGE_SOURCE_CODE_PUSHES' }, 'all'),
      planned('counts.garbled', { kind: 'redis_counter', key: 'USAGE_GARBLED' }, 'all'),
      planned('counts.never', { kind: 'redis_counter', key: 'USAGE_NEVER_INCREMENTED' }, 'all'),
      planned(
        'counts.ruby',
        { kind: 'unsupported', reason: 'CountUsersCreatingIssuesMetric is Ruby-only' },
        'all',
      ),
      planned('counts.users', { kind: 'redis_hll', events: ['i_approve'] }, '28d'),
    ];
    const results = await Promise.all(batch.map((m) => computeMetric(m, context())));
    expect(results.map((r) => [r.keyPath, r.value, r.error])).toEqual([
      ['counts.pushes', 42, undefined],
      ['counts.garbled', -1, 'Redis key USAGE_GARBLED does not hold an integer counter'],
      ['counts.never', 0, undefined],
      ['counts.ruby', -1, 'CountUsersCreatingIssuesMetric is Ruby-only'],
      ['counts.users', 3, undefined],
    ]);
    for (const r of results) expect(r.timeElapsedS).toBeGreaterThanOrEqual(0);
  });

  it('a Redis outage becomes -1 with the connection error', async () => {
    // Nothing listens on port 1; with no retry strategy the client gives up after one attempt.
    const down = new Redis({
      host: '127.0.0.1',
      port: 1,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const ended = new Promise((resolve) => down.once('end', resolve));
    // The refused connection is what the metric must report; the client's own error event is expected.
    down.on('error', () => undefined);
    const result = await computeMetric(
      planned('counts.pushes', { kind: 'redis_counter', key: 'USAGE_SOURCE_CODE_PUSHES' }, 'all'),
      context({ usage: createRedisUsageReader(down) }),
    );
    await ended;
    expect(result.value).toBe(-1);
    expect(result.error).toMatch(/ECONNREFUSED|Connection is closed/);
  });
});

describe('deadline', () => {
  it('cancels a counter that does not answer and reports "deadline exceeded after N s"', async () => {
    const result = await computeMetric(
      planned('topology.slow', { kind: 'prometheus', query: 'never_answers' }, 'none'),
      context({ deadlineMs: 200, prometheusTimeoutMs: 30_000 }),
    );
    expect(result).toMatchObject({ value: -1, error: 'deadline exceeded after 0.2 s' });
    expect(result.timeElapsedS).toBeGreaterThanOrEqual(0.19);
    expect(result.timeElapsedS).toBeLessThan(5);
  });

  it('rethrows when the job itself is cancelled, so the queue retries instead of recording -1', async () => {
    const job = new AbortController();
    const pending = computeMetric(
      planned('topology.slow', { kind: 'prometheus', query: 'never_answers' }, 'none'),
      context({ signal: job.signal, prometheusTimeoutMs: 30_000 }),
    );
    job.abort(new Error('worker shutting down'));
    await expect(pending).rejects.toThrow('worker shutting down');
  });
});

describe('prometheus', () => {
  beforeAll(() => {
    prometheusAnswers.set('avg(up)', (res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1591005600, '0.95'] }] },
        }),
      );
    });
    prometheusAnswers.set('scalar(1)', (res) => {
      res.end(
        JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1591005600, '1'] } }),
      );
    });
    prometheusAnswers.set('broken', (res) => {
      res.statusCode = 422;
      res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 7' }));
    });
    prometheusAnswers.set('empty', (res) => {
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
  });

  it.each<[string, Partial<ComputeContext>, unknown, string | undefined]>([
    ['avg(up)', {}, 0.95, undefined],
    ['scalar(1)', {}, 1, undefined],
    ['broken', {}, -1, 'Prometheus answered 422: parse error at char 7'],
    ['empty', {}, -1, 'Prometheus query returned no sample (result type vector)'],
    ['avg(up)', { prometheusUrl: undefined }, -1, 'no Prometheus server configured (PROMETHEUS_URL)'],
  ])('%s %j → %p', async (query, extra, value, error) => {
    const result = await computeMetric(
      planned('topology.q', { kind: 'prometheus', query }, 'none'),
      context(extra),
    );
    expect([result.value, result.error]).toEqual([value, error]);
  });

  it('times out a slow server with its own timeout', async () => {
    const result = await computeMetric(
      planned('topology.slow', { kind: 'prometheus', query: 'never_answers' }, 'none'),
      context({ prometheusTimeoutMs: 100 }),
    );
    expect([result.value, result.error]).toEqual([-1, 'Prometheus query timed out after 100 ms']);
  });
});

describe('facts, settings and license', () => {
  it.each<[MetricSpec, unknown]>([
    [{ kind: 'system', fact: 'uuid' }, 'a4b4c6d1-0000-4000-8000-000000000001'],
    [{ kind: 'system', fact: 'recorded_at' }, '2020-06-01T10:00:00.000Z'],
    [{ kind: 'system', fact: 'database_adapter' }, 'postgresql'],
    [{ kind: 'system', fact: 'database_pg_system_id' }, '7710490301922420838'],
    [{ kind: 'system', fact: 'database_flavor' }, null],
    [{ kind: 'system', fact: 'collected_data_categories' }, 'standard,subscription,operational,optional'],
    [{ kind: 'setting', name: 'usage_ping_enabled' }, true],
    [{ kind: 'setting', name: 'collected_data_categories' }, 'standard,operational'],
    [{ kind: 'license', field: 'plan' }, 'premium'],
    [{ kind: 'license', field: 'user_count' }, 25],
    [{ kind: 'license', field: 'expires_at' }, null],
  ])('%j → %p', async (spec, value) => {
    const result = await computeMetric(planned('x', spec, 'none'), context());
    expect([result.value, result.error]).toEqual([value, undefined]);
  });

  it('an unknown setting is a definition mistake: -1 naming it', async () => {
    const result = await computeMetric(planned('x', { kind: 'setting', name: 'typo' }, 'none'), context());
    expect([result.value, result.error]).toEqual([-1, "unknown setting 'typo'"]);
  });
});

describe('lifecycle and deferred kinds', () => {
  it('a deprecated metric reports -1000 without running', async () => {
    const result = await computeMetric(
      planned('counts.old', { kind: 'redis_counter', key: 'USAGE_SOURCE_CODE_PUSHES' }, 'all', 'deprecated'),
      context({ usage: undefined as unknown as ComputeContext['usage'] }),
    );
    expect(result).toEqual({ keyPath: 'counts.old', value: -1000, timeElapsedS: 0 });
  });

  it.each<MetricSpec>([
    { kind: 'add', keyPaths: ['counts.a', 'counts.b'] },
    { kind: 'aggregated', source: 'database', operator: 'OR', events: ['counts.a'] },
  ])('refuses %j: the aggregator computes it from other results', async (spec) => {
    await expect(computeMetric(planned('counts.sum', spec, 'all'), context())).rejects.toMatchObject({
      code: 'SERVPING_AGGREGATION',
      message: expect.stringContaining('counts.sum'),
    });
  });

  it('refuses a removed metric', async () => {
    await expect(
      computeMetric(planned('counts.gone', { kind: 'redis_counter', key: 'K' }, 'all', 'removed'), context()),
    ).rejects.toMatchObject({ code: 'SERVPING_DEFINITION' });
  });
});

describe('kind table', () => {
  it('has exactly one module with a counter per kind', () => {
    expect(() => assertKindTable(KINDS)).not.toThrow();
  });

  it('rejects a table with a missing, an unknown or a misfiled kind', () => {
    const { prometheus: _dropped, ...missing } = KINDS;
    expect(() => assertKindTable(missing)).toThrow("no counter for kind 'prometheus'");
    const graphql = { kind: 'graphql', counter: () => Promise.resolve({ value: 1 }) };
    expect(() => assertKindTable({ ...KINDS, graphql })).toThrow("counter for unknown kind 'graphql'");
    expect(() => assertKindTable({ ...KINDS, setting: KINDS.license })).toThrow(
      "kind 'license' is filed under 'setting'",
    );
  });
});
