/**
 * servping on a Redis Cluster (issue 16): three masters started by this file, REDIS_URL in the
 * `redis+cluster://` form for the collector, the aggregator and two workers. A sharded database
 * count, a Redis event counter, unique-user HyperLogLogs over 28 days (one PFCOUNT over many
 * weekly keys) and an aggregated OR/AND of two events all finish exact, and the run is stored and
 * delivered once. The events go through the collector's tracking API onto the cluster. The demo's
 * seeder reseeds its Redis events there too (its keys span several slots).
 */
import { Redis } from 'ioredis';
import { createRedis, type RedisClient } from '@servping/runtime';
import { hllKey, hllWeekKey, isoWeek, type RedisWrite } from '@servping/shared';
import { redisUrl } from '@servping/test-servers';
import { createRedisUsageReader } from '@servping/compute';
import { EventTracker } from '@servping/collector';
import { TRACKER_TOKEN } from './support/collector-process';
import { countOf, definition } from './support/dictionary-files';
import { startFullStack, type FullStack } from './support/full-stack';
import { rawRequest } from './support/http-client';
import { startRedisCluster, type OwnRedisCluster } from './support/redis-cluster';
import { writeRedisEvents } from '@servping/demo';

const ROWS = 12_000;
const WEEK_MS = 7 * 86_400_000;
/** Users per event in each of the four complete weeks before now (overlapping across weeks and events). */
const usersOf = (event: 'cl_a' | 'cl_b', weeksBack: number) =>
  Array.from({ length: 20 }, (_, i) => `u${(event === 'cl_a' ? 0 : 10) + i + weeksBack * 5}`);

let cluster: OwnRedisCluster;
let full: FullStack;

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  full = await startFullStack({
    label: 'rcluster',
    workers: 2,
    env: { REDIS_URL: cluster.url, SERVPING_SHARD_ROWS: '3000' },
    prepare: async (env) => {
      await env.instanceDb.client.query(`
        CREATE TABLE issues (id bigint PRIMARY KEY);
        INSERT INTO issues SELECT generate_series(1, ${ROWS});
        ANALYZE issues;
      `);
      const hll = (keyPath: string, events: string[]) =>
        definition({
          key_path: keyPath,
          time_frame: '28d',
          data_source: 'redis_hll',
          instrumentation_class: 'RedisHLLMetric',
          options: { events },
        });
      const aggregated = (keyPath: string, operator: 'OR' | 'AND') =>
        definition({
          key_path: keyPath,
          time_frame: '28d',
          data_source: 'redis_hll',
          instrumentation_class: 'AggregatedMetric',
          options: { aggregate: { operator }, events: ['cl_a', 'cl_b'] },
        });
      await env.dictionary.write({
        'counts_all/issues.yml': countOf('counts.issues', 'issues'),
        'counts_all/pings.yml': definition({
          key_path: 'counts.cluster_pings',
          data_source: 'redis',
          instrumentation_class: 'RedisMetric',
          options: { event: 'cluster_pings', prefix: null },
        }),
        'counts_28d/a.yml': hll('redis_hll_counters.cl_a_monthly', ['cl_a']),
        'counts_28d/ab.yml': hll('redis_hll_counters.cl_ab_monthly', ['cl_a', 'cl_b']),
        'counts_28d/or.yml': aggregated('aggregated.cl_a_or_b_monthly', 'OR'),
        'counts_28d/and.yml': aggregated('aggregated.cl_a_and_b_monthly', 'AND'),
      });
    },
  });
}, 60_000);

afterAll(async () => {
  await full?.close();
  await cluster?.destroy();
});

const track = (path: string, body: Record<string, unknown>) =>
  rawRequest(full.stack.collectorUrl, {
    path: `/api/v4/usage_data/${path}`,
    headers: { 'content-type': 'application/json', 'private-token': TRACKER_TOKEN },
    body: JSON.stringify(body),
  });

it('runs a sharded run with Redis counters and HLLs on a 3-master cluster, exact and delivered once', async () => {
  const now = Date.now();
  // The four complete ISO weeks a 28d window reads, written as the tracking API would have then.
  const truth = { a: new Set<string>(), b: new Set<string>() };
  for (let back = 1; back <= 4; back += 1) {
    const week = isoWeek(new Date(now - back * WEEK_MS));
    for (const event of ['cl_a', 'cl_b'] as const) {
      await cluster.client.pfadd(hllWeekKey(event, week), ...usersOf(event, back));
      for (const user of usersOf(event, back)) truth[event === 'cl_a' ? 'a' : 'b'].add(user);
    }
  }
  // This week's events through the collector: written to the cluster, not read until next week.
  for (const user of ['x1', 'x2', 'x3', 'x1']) {
    expect((await track('track_event', { event: 'cl_a', user_id: user })).status).toBe(200);
  }
  for (let i = 0; i < 5; i += 1)
    expect((await track('increment_counter', { event: 'cluster_pings' })).status).toBe(200);
  expect(await cluster.client.pfcount(hllWeekKey('cl_a', isoWeek(new Date(now))))).toBe(3);
  expect(await cluster.client.get('USAGE_CLUSTER_PINGS')).toBe('5');

  const runId = await full.trigger(true);
  const view = await full.waitFinished(runId, 30_000);
  expect(view).toMatchObject({ state: 'finished', error: null, metrics: { fallbacks: 0, pending: 0 } });
  expect(view.shards).toBe(4);

  const union = new Set([...truth.a, ...truth.b]).size;
  const both = [...truth.a].filter((u) => truth.b.has(u)).length;
  const expected = {
    counts: { issues: ROWS, cluster_pings: 5 },
    redis_hll_counters: { cl_a_monthly: truth.a.size, cl_ab_monthly: union },
    aggregated: { cl_a_or_b_monthly: union, cl_a_and_b_monthly: both },
  };
  const stored = await full.env.servpingDb.client.query(
    `SELECT payload->'counts' AS counts, payload->'redis_hll_counters' AS redis_hll_counters,
            payload->'aggregated' AS aggregated FROM raw_usage_data WHERE run_id = $1`,
    [runId],
  );
  expect(stored.rows).toEqual([expected]);
  const delivered = await full.delivered();
  expect(delivered).toHaveLength(1);
  expect(delivered[0]).toMatchObject({ duplicate_count: 0 });
  // Every BullMQ key of the run lives on one master: the prefix's hash tag holds the flow together.
  const prefixMaster = await cluster.masterOf(`${full.env.prefix}:metrics:x`);
  expect(await cluster.masterOf(`${full.env.prefix}:aggregate:${runId}`)).toBe(prefixMaster);
}, 60_000);

it('counts the exact union of HyperLogLogs kept in different slots, as one server would', async () => {
  const keys = ['legacy_a-2024-22', 'legacy_b-2024-22', '{other}_c-2024-22'];
  const single = new Redis(redisUrl(13));
  const clustered: RedisClient = createRedis(cluster.url, 'producer');
  try {
    const slots = await Promise.all(keys.map((k) => cluster.client.cluster('KEYSLOT', k)));
    expect(new Set(slots).size).toBe(3);
    for (const [i, key] of keys.entries()) {
      const users = Array.from({ length: 400 }, (_, j) => `user-${i * 150 + j}`);
      await cluster.client.pfadd(key, ...users);
      await single.pfadd(key, ...users);
    }
    const onOneServer = await single.pfcount(...keys);
    expect(await createRedisUsageReader(clustered).uniqueCount([...keys, 'never_written-2024-22'])).toBe(
      onOneServer,
    );
    // The temporary copies are gone.
    expect(await cluster.client.keys('*servping-pfcount*')).toEqual([]);
  } finally {
    await single.del(...keys);
    single.disconnect();
    clustered.disconnect();
  }
});

it('writes Internal Events with one MULTI per slot and sums counters kept in different slots', async () => {
  const counters = ['{event_counters}_cl_run', '{event_counters}_cl_run-2024-22', 'cl_plain_total'];
  const sketch = '{hll_counters}_cl_run-user-2024-22';
  const clustered: RedisClient = createRedis(cluster.url, 'producer');
  try {
    const slots = await Promise.all(
      [counters[0], counters[2], sketch].map((k) => cluster.client.cluster('KEYSLOT', k as string)),
    );
    expect(new Set(slots).size).toBe(3);
    const writes: RedisWrite[] = [
      ...counters.map((key): RedisWrite => ({ op: 'incr', key, expireS: 600 })),
      { op: 'incr', key: counters[0] as string },
      { op: 'pfadd', key: sketch, value: 'u1', expireS: 600 },
      { op: 'pfadd', key: sketch, value: 'u2', expireS: 600 },
    ];
    const tracker = new EventTracker({
      redis: clustered,
      knownEvents: new Set(),
      knownCounters: new Set(),
    });
    await tracker.applyWrites(writes);
    const reader = createRedisUsageReader(clustered);
    expect(await reader.counterSum([...counters, '{event_counters}_never_written'])).toBe(4);
    expect(await reader.uniqueCount([sketch])).toBe(2);
    expect(await cluster.client.ttl(sketch)).toBeGreaterThan(0);
  } finally {
    await Promise.all([...counters, sketch].map((key) => cluster.client.del(key)));
    clustered.disconnect();
  }
});

it("reseeds the demo's Redis events on a cluster: keys in several slots replaced, not added to", async () => {
  const at = new Date(Date.UTC(2024, 4, 29));
  const plan = {
    uniques: [
      { event: 'seed_a', at, userIds: [1, 2, 3] },
      { event: 'seed_b', at, userIds: [4, 5] },
    ],
    counters: [
      { key: 'seed_counter_x', by: 7 },
      { key: 'seed_counter_y', by: 2 },
    ],
  };
  const keys = [hllKey('seed_a', at), hllKey('seed_b', at), 'seed_counter_x', 'seed_counter_y'];
  const clustered: RedisClient = createRedis(cluster.url, 'producer');
  try {
    const slots = await Promise.all(keys.map((k) => cluster.client.cluster('KEYSLOT', k)));
    expect(new Set(slots).size).toBeGreaterThan(1);
    const tracker = new EventTracker({
      redis: clustered,
      knownEvents: new Set(['seed_a', 'seed_b']),
      knownCounters: new Set(['seed_counter_x', 'seed_counter_y']),
    });
    for (let seeding = 0; seeding < 2; seeding++) {
      expect(await writeRedisEvents(clustered, tracker, plan)).toEqual({ keys: 4, values: 5 });
    }
    const reader = createRedisUsageReader(clustered);
    expect(await reader.counterSum(['seed_counter_x'])).toBe(7);
    expect(await reader.counterSum(['seed_counter_y'])).toBe(2);
    expect(await reader.uniqueCount([keys[0] as string, keys[1] as string])).toBe(5);
  } finally {
    await Promise.all(keys.map((key) => cluster.client.del(key)));
    clustered.disconnect();
  }
});
