import { parse } from 'yaml';
import { hllKey } from '@servping/shared';
import {
  ADMIN_TOKEN,
  READER_TOKEN,
  TRACKER_TOKEN,
  startHarness,
  type ErrorAnswer,
  type Harness,
} from './collector-harness';

let h: Harness;
let event: string;
let counterEvent: string;

const post = (token: string | undefined, path: string, body: unknown) =>
  h.fetchAs(token, path, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  h = await startHarness('usage', { SERVPING_SCHEDULE_ENABLED: 'false' });
  event = `i_test_${h.suffix}`;
  counterEvent = `views_${h.suffix}`;
  await h.writeDefinition('counts_all/issues.yml', {
    key_path: 'counts.issues',
    data_source: 'database',
    options: {
      operation: 'count',
      table: 'issues',
      filters: [{ column: 'state', op: 'eq', value: "it's open" }],
    },
  });
  await h.writeDefinition('counts_7d/users.yml', {
    key_path: 'redis_hll_counters.test.users_weekly',
    time_frame: '7d',
    data_source: 'redis_hll',
    instrumentation_class: 'RedisHLLMetric',
    options: { events: [event] },
  });
  await h.writeDefinition('counts_all/views.yml', {
    key_path: 'counts.views',
    data_source: 'redis',
    instrumentation_class: 'RedisMetric',
    options: { event: counterEvent, prefix: null },
  });
});

afterAll(async () => {
  if (h) {
    const now = new Date();
    await h.redis.del(hllKey(event, now), `USAGE_${counterEvent.toUpperCase()}`);
    await h.close();
  }
});

describe('GET /api/v4/usage_data/service_ping', () => {
  it('needs read_service_ping: 401 without or with a wrong token, 403 with an api-only token', async () => {
    expect((await h.fetchAs(undefined, '/api/v4/usage_data/service_ping')).status).toBe(401);
    expect((await h.fetchAs('wrong', '/api/v4/usage_data/service_ping')).status).toBe(401);
    expect((await h.fetchAs(TRACKER_TOKEN, '/api/v4/usage_data/service_ping')).status).toBe(403);
  });

  it('answers {} before any payload, then the newest stored payload (Bearer accepted)', async () => {
    const empty = await h.fetchAs(READER_TOKEN, '/api/v4/usage_data/service_ping');
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({});
    await h.sql.query(
      `INSERT INTO raw_usage_data (recorded_at, payload) VALUES
         ('2026-01-01T00:00:00Z', '{"counts":{"issues":1}}'), ('2026-01-08T00:00:00Z', '{"counts":{"issues":2}}')`,
    );
    const res = await fetch(`${h.baseUrl}/api/v4/usage_data/service_ping`, {
      headers: { authorization: `Bearer ${READER_TOKEN}` },
    });
    expect(await res.json()).toEqual({ counts: { issues: 2 } });
  });
});

describe('GET /api/v4/usage_data/metric_definitions', () => {
  it('is anonymous YAML whose documents round-trip to the files, with file_path on include_paths', async () => {
    const res = await h.fetchAs(undefined, '/api/v4/usage_data/metric_definitions');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    const docs = parse(await res.text()) as Record<string, unknown>[];
    expect(docs.map((d) => d.key_path).sort()).toEqual([
      'counts.issues',
      'counts.views',
      'redis_hll_counters.test.users_weekly',
    ]);
    expect(docs.find((d) => d.key_path === 'counts.issues')).toMatchObject({
      data_source: 'database',
      options: { operation: 'count', table: 'issues' },
    });
    expect(docs[0]).not.toHaveProperty('file_path');
    const withPaths = parse(
      await (await h.fetchAs(undefined, '/api/v4/usage_data/metric_definitions?include_paths=true')).text(),
    ) as Record<string, unknown>[];
    expect(withPaths.map((d) => d.file_path).sort()).toEqual([
      'counts_7d/users.yml',
      'counts_all/issues.yml',
      'counts_all/views.yml',
    ]);
  });
});

describe('admin exports', () => {
  it('answers 403 to a non-admin token', async () => {
    expect((await h.fetchAs(READER_TOKEN, '/api/v4/usage_data/queries')).status).toBe(403);
    expect((await h.fetchAs(TRACKER_TOKEN, '/api/v4/usage_data/non_sql_metrics')).status).toBe(403);
  });

  it('queries: every database metric as quoted SQL with inlined, escaped values, in payload shape', async () => {
    const body = (await (await h.fetchAs(ADMIN_TOKEN, '/api/v4/usage_data/queries')).json()) as {
      counts: { issues: string; views?: string };
    };
    expect(body).toMatchObject({ hostname: 'test-host', version: '9.9.9' });
    const sql: string = body.counts.issues;
    expect(sql).toContain('FROM "issues"');
    expect(sql).toContain(`"issues"."state" = 'it''s open'`);
    expect(body.counts.views).toBeUndefined();
  });

  it('non_sql_metrics: SQL metrics are -3, non-SQL values come from the last stored payload', async () => {
    await h.sql.query(
      `INSERT INTO raw_usage_data (recorded_at, payload) VALUES ('2026-02-01T00:00:00Z', '{"counts":{"issues":7,"views":12}}')`,
    );
    const body = (await (await h.fetchAs(ADMIN_TOKEN, '/api/v4/usage_data/non_sql_metrics')).json()) as {
      counts: Record<string, number>;
      uuid: string;
    };
    expect(body.counts).toEqual({ issues: -3, views: 12 });
    expect(body.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('tracking API', () => {
  it('needs the api scope', async () => {
    expect((await post(undefined, '/api/v4/usage_data/track_event', { event })).status).toBe(401);
    expect((await post(READER_TOKEN, '/api/v4/usage_data/track_event', { event })).status).toBe(403);
  });

  it('track_event adds the user to the weekly HyperLogLog of the event', async () => {
    const res = await post(TRACKER_TOKEN, '/api/v4/usage_data/track_event', {
      event,
      user_id: 1,
      project_id: 3,
    });
    expect(res.status).toBe(200);
    await post(TRACKER_TOKEN, '/api/v4/usage_data/track_event', { event, user_id: 2 });
    await post(TRACKER_TOKEN, '/api/v4/usage_data/increment_unique_users', { event });
    expect(await h.redis.pfcount(hllKey(event, new Date()))).toBe(3);
  });

  it("track_events accepts 50 events and refuses 51 with GitLab's message", async () => {
    const events = (n: number) => Array.from({ length: n }, (_, i) => ({ event, user_id: 100 + i }));
    expect(
      (await post(TRACKER_TOKEN, '/api/v4/usage_data/track_events', { events: events(50) })).status,
    ).toBe(200);
    const res = await post(TRACKER_TOKEN, '/api/v4/usage_data/track_events', { events: events(51) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorAnswer).message).toBe('Maximum 50 events allowed in one request.');
  });

  it('an unknown event is a 422 naming it, and a batch with one tracks nothing', async () => {
    const res = await post(TRACKER_TOKEN, '/api/v4/usage_data/track_event', { event: 'no_such_event' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorAnswer).message).toContain("'no_such_event'");
    const before = await h.redis.pfcount(hllKey(event, new Date()));
    const batch = await post(TRACKER_TOKEN, '/api/v4/usage_data/track_events', {
      events: [{ event, user_id: 999_999 }, { event: 'also_unknown' }],
    });
    expect(batch.status).toBe(422);
    expect(((await batch.json()) as ErrorAnswer).message).toContain("'also_unknown'");
    expect(await h.redis.pfcount(hllKey(event, new Date()))).toBe(before);
  });

  it('increment_counter increments the counter an available redis metric reads, 422 for others', async () => {
    const first = await post(TRACKER_TOKEN, '/api/v4/usage_data/increment_counter', { event: counterEvent });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ counter: `USAGE_${counterEvent.toUpperCase()}`, total: 1 });
    const second = await post(TRACKER_TOKEN, '/api/v4/usage_data/increment_counter', { event: counterEvent });
    expect(((await second.json()) as { total: number }).total).toBe(2);
    expect(
      (await post(TRACKER_TOKEN, '/api/v4/usage_data/increment_counter', { event: 'nope' })).status,
    ).toBe(422);
  });

  it.each([
    ['a missing event', {}, 400],
    ['an unexpected field', { event: 'x', extra: 1 }, 400],
    ['a non-integer project_id', { event: 'x', project_id: 'p' }, 400],
  ])('refuses %s with 400', async (_name, body, status) => {
    const res = await post(TRACKER_TOKEN, '/api/v4/usage_data/track_event', body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorAnswer).message).toMatch(/^invalid request body/);
  });

  it('refuses malformed JSON with 400 and a body above 64 KB with 413, never 500', async () => {
    const bad = await h.fetchAs(TRACKER_TOKEN, '/api/v4/usage_data/track_event', {
      method: 'POST',
      body: '{"event":',
    });
    expect(bad.status).toBe(400);
    const big = await post(TRACKER_TOKEN, '/api/v4/usage_data/track_event', {
      event,
      additional_properties: { blob: 'x'.repeat(70 * 1024) },
    });
    expect(big.status).toBe(413);
  });
});
