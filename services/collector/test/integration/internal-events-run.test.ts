/**
 * Internal Events end to end in one process: events tracked through the HTTP tracking API at
 * chosen moments across ISO week (and ISO year) boundaries, then a run planned by the collector,
 * computed by a real worker and stored by the aggregator. The stored payload holds the exact
 * totals, and unique counts exact for small sets and within HLL error for a large one.
 */
import { randomBytes } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { redisUrl } from '@servping/test-servers';
import { nextJobEvent } from '../../../aggregator/test/integration/test-support';
import {
  startWorkerAndAggregator,
  type RunningPipeline,
} from '../../../worker/test/support/worker-and-aggregator';
import { ADMIN_TOKEN, startHarness, TRACKER_TOKEN, type Harness } from './collector-harness';

// Event names are global Redis keys ({event_counters}_<event>…): each run names its own events.
const SUFFIX = randomBytes(4).toString('hex');
const CREATE = `create_ci_runner_${SUFFIX}`;
const VIEW = `view_ci_runner_fleet_${SUFFIX}`;
// Wednesday of ISO 2027-W01: 7d reads 2026-W53 (Dec 28 – Jan 3), 28d reads 2026-W50..W53.
const RECORDED_AT = new Date('2027-01-06T12:00:00Z');

let now = new Date(0);
let h: Harness;
let pipeline: RunningPipeline;
let aggregateEvents: QueueEvents;

const OWNER = {
  product_group: 'runner',
  milestone: '17.2',
  introduced_by_url: 'https://gitlab.example/mr/1',
  tiers: ['free'],
};
const HEADER = { ...OWNER, value_type: 'number', status: 'active', data_category: 'optional' };

async function writeDictionary(): Promise<void> {
  const event = (action: string, identifiers: string[], properties: Record<string, unknown>) =>
    h.writeRaw(
      `events/${action}.yml`,
      JSON.stringify({
        description: action,
        internal_events: true,
        action,
        identifiers,
        additional_properties: properties,
        ...OWNER,
      }),
    );
  await event(CREATE, ['project', 'namespace', 'user'], {
    label: { description: 'runner type' },
    property: { description: 'created through' },
    value: { description: 'tags' },
  });
  await event(VIEW, ['user', 'namespace'], { tab_name: { description: 'tab', type: 'string' } });
  const metric = (file: string, fields: Record<string, unknown>) =>
    h.writeRaw(file, JSON.stringify({ description: String(fields.key_path), ...HEADER, ...fields }));
  await metric('counts_all/total.yml', {
    key_path: 'counts.count_total_create_ci_runner',
    time_frame: ['28d', '7d', 'all'],
    data_source: 'internal_events',
    events: [{ name: CREATE }],
  });
  await metric('counts_28d/users.yml', {
    key_path: 'counts.count_distinct_user_id_from_create_ci_runner',
    time_frame: ['28d', '7d'],
    data_source: 'internal_events',
    events: [{ name: CREATE, unique: 'user.id' }],
  });
  await metric('counts_28d/projects.yml', {
    key_path: 'counts.count_distinct_project_id_from_group_runners_by_api',
    time_frame: '28d',
    data_source: 'internal_events',
    events: [{ name: CREATE, unique: 'project.id', filter: { label: 'group_type', property: 'api' } }],
  });
  await metric('counts_all/group.yml', {
    key_path: 'counts.count_total_create_group_runner',
    time_frame: 'all',
    data_source: 'internal_events',
    events: [{ name: CREATE, filter: { label: 'group_type' } }],
  });
  await metric('counts_7d/jobs_tab.yml', {
    key_path: 'counts.count_total_view_jobs_tab',
    time_frame: '7d',
    data_source: 'internal_events',
    events: [{ name: VIEW, filter: { tab_name: 'jobs' } }],
  });
  await metric('counts_28d/fleet_users.yml', {
    key_path: 'counts.aggregated_metrics.runner_fleet_users',
    time_frame: ['28d', '7d'],
    data_source: 'internal_events',
    instrumentation_class: 'AggregatedMetric',
    options: { aggregate: { attribute: 'user.id' }, events: [CREATE, VIEW] },
  });
}

/** Tracks `events` through the HTTP API as if at `at`, in batches of GitLab's maximum 50. */
async function trackAt(at: string, events: Record<string, unknown>[]): Promise<void> {
  now = new Date(at);
  for (let i = 0; i < events.length; i += 50) {
    const res = await h.fetchAs(TRACKER_TOKEN, '/api/v4/usage_data/track_events', {
      method: 'POST',
      body: JSON.stringify({ events: events.slice(i, i + 50) }),
    });
    expect([res.status, await res.json()]).toEqual([200, { tracked: events.slice(i, i + 50).length }]);
  }
}

const create = (user: string, project: number, label: string, property?: string) => ({
  event: CREATE,
  user_id: user,
  project_id: project,
  namespace_id: 1,
  additional_properties: { label, ...(property ? { property } : {}) },
});
const view = (user: string, tab: string) => ({
  event: VIEW,
  user_id: user,
  additional_properties: { tab_name: tab },
});

beforeAll(async () => {
  h = await startHarness('ievents', { SERVPING_SCHEDULE_ENABLED: 'false' }, { clock: () => now });
  await writeDictionary();
  aggregateEvents = new QueueEvents('aggregate', { connection: { url: redisUrl() }, prefix: h.prefix });
  await aggregateEvents.waitUntilReady();
  pipeline = await startWorkerAndAggregator({
    databaseUrl: h.databaseUrl,
    redisUrl: redisUrl(),
    prefix: h.prefix,
    versionsUrl: 'http://127.0.0.1:9',
  });

  await trackAt('2026-12-06T23:59:59Z', [create('u8', 10, 'instance_type')]); // W49: outside 28d
  await trackAt('2026-12-07T00:00:00Z', [create('u7', 10, 'instance_type')]); // W50: first of 28d
  await trackAt(
    '2026-12-16T09:00:00Z', // W51: 500 distinct users, and a user viewing two tabs
    [
      ...Array.from({ length: 500 }, (_, i) => create(`bulk-${i}`, 10, 'instance_type')),
      view('u9', 'jobs'),
      view('u9', 'overview'),
    ],
  );
  await trackAt('2026-12-27T23:59:59Z', [
    create('u1', 30, 'group_type', 'api'),
    create('u6', 30, 'group_type', 'api'),
  ]); // W52
  await trackAt('2026-12-28T00:00:00Z', [create('u5', 10, 'instance_type')]); // W53 (2026's last ISO week)
  await trackAt('2027-01-02T12:00:00Z', [view('u1', 'jobs')]);
  await trackAt('2027-01-03T23:59:59Z', [
    create('u1', 10, 'group_type', 'api'),
    create('u2', 20, 'group_type', 'api'),
    create('u3', 20, 'group_type', 'api'),
  ]);
  await trackAt('2027-01-04T00:00:00Z', [
    create('u1', 10, 'instance_type'),
    create('u4', 10, 'instance_type'),
    view('u10', 'jobs'),
  ]); // W01: the current week
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
  await aggregateEvents?.close();
  let cursor = '0';
  do {
    const [next, keys] = await h.redis.scan(cursor, 'MATCH', `*_${SUFFIX}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await h.redis.del(...keys);
  } while (cursor !== '0');
  await h?.close();
});

describe('the tracking API refuses what the event dictionary does not define', () => {
  it.each([
    [
      { ...create('u1', 10, 'group_type'), additional_properties: { colour: 'red' } },
      /has no additional property 'colour'/,
    ],
    [
      { ...create('u1', 10, 'group_type'), additional_properties: { value: 'many' } },
      /'value' of event .* must be a number; got "many"/,
    ],
    [
      { ...view('u1', 'jobs'), project_id: 10 },
      /is not tracked with project_id \(its identifiers: user, namespace/,
    ],
    [
      { event: `delete_ci_runner_${SUFFIX}` },
      /unknown event 'delete_ci_runner_\w+': not in the event dictionary/,
    ],
  ])('422 for %j, and its batch tracks nothing', async (bad, message) => {
    now = new Date('2027-01-03T12:00:00Z');
    const res = await h.fetchAs(TRACKER_TOKEN, '/api/v4/usage_data/track_events', {
      method: 'POST',
      body: JSON.stringify({ events: [create('u1', 10, 'group_type', 'api'), bad] }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toMatch(message);
  });
});

describe('Internal Events through the tracking API and a run', () => {
  let counts: Record<string, unknown>;

  beforeAll(async () => {
    now = RECORDED_AT;
    const res = await h.fetchAs(ADMIN_TOKEN, '/api/v1/runs', {
      method: 'POST',
      body: JSON.stringify({ submit: false }),
    });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    const stored = nextJobEvent(aggregateEvents, `${runId}-aggregate`);
    expect(await h.waitForRunJob(runId)).toBe('completed');
    expect((await stored).event).toBe('completed');
    const { rows } = await h.sql.query<{ payload: { counts: Record<string, unknown> } }>(
      'SELECT payload FROM raw_usage_data WHERE run_id = $1',
      [runId],
    );
    counts = rows[0]?.payload.counts ?? {};
  }, 120_000);

  it('reports exact totals for 7d, 28d and all time, filtered or not', () => {
    expect({
      all: counts.count_total_create_ci_runner,
      monthly: counts.count_total_create_ci_runner_monthly,
      weekly: counts.count_total_create_ci_runner_weekly,
      groupRunnersAllTime: counts.count_total_create_group_runner,
      jobsTabWeekly: counts.count_total_view_jobs_tab,
    }).toEqual({ all: 510, monthly: 507, weekly: 4, groupRunnersAllTime: 5, jobsTabWeekly: 1 });
  });

  it('reports unique counts exactly for small sets', () => {
    expect(counts.count_distinct_user_id_from_create_ci_runner_weekly).toBe(4);
    expect(counts.count_distinct_project_id_from_group_runners_by_api).toBe(3);
    expect((counts.aggregated_metrics as Record<string, unknown>).runner_fleet_users_weekly).toBe(4);
  });

  it('estimates the 28d unique users within the HyperLogLog error', () => {
    const users = counts.count_distinct_user_id_from_create_ci_runner_monthly as number;
    const union = (counts.aggregated_metrics as Record<string, number>).runner_fleet_users_monthly as number;
    // Redis HLL: 0.81 % standard error; 3 % is beyond 3.5 standard errors.
    expect(Math.abs(users - 506) / 506).toBeLessThan(0.03);
    expect(Math.abs(union - 507) / 507).toBeLessThan(0.03);
  });
});
