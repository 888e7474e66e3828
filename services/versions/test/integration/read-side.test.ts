import {
  getJson,
  jsonField,
  jsonNumber,
  jsonObject,
  jsonObjects,
  makePayload,
  postJson,
  READ_TOKEN,
  startVersions,
  type RunningVersions,
} from './versions-harness';

const round = (n: number) => Math.round(n * 1e9) / 1e9;

let svc: RunningVersions;
const clock = { now: new Date('2025-06-20T12:00:00.000Z') };

/**
 * Three instances: `alpha` reports weekly on 16.11.0 then 17.0.0, `beta` on 17.0.0 with a failing
 * counter, `gamma` stopped reporting in April.
 */
async function seed(): Promise<void> {
  const pings: Array<[string, string, string, Record<string, unknown>]> = [
    ['alpha', '2025-06-02T00:00:00Z', '16.11.0', { issues: 10, boards: 1 }],
    ['alpha', '2025-06-09T00:00:00Z', '17.0.0', { issues: 20, boards: 2 }],
    ['beta', '2025-06-09T00:00:00Z', '17.0.0', { issues: 5, boards: -1 }],
    ['gamma', '2025-04-01T00:00:00Z', '16.0.0', { issues: 0, boards: 0 }],
  ];
  for (const [uuid, recordedAt, version, counts] of pings) {
    clock.now = uuid === 'gamma' ? new Date('2025-04-01T01:00:00Z') : new Date(recordedAt);
    const res = await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid, recordedAt, version, counts }),
    );
    expect(res.status).toBe(201);
  }
  clock.now = new Date('2025-06-09T01:00:00Z');
  for (const [uuid, seconds] of [
    ['alpha', [0.1, 0.2, 0.3]],
    ['beta', [1, 2, 3]],
  ] as const) {
    for (const s of seconds) {
      const res = await postJson(svc.baseUrl, '/usage_ping_metadata', {
        metadata: {
          uuid,
          metrics: [
            { name: 'counts.issues', time_elapsed: s },
            { name: 'counts.boards', time_elapsed: s / 10 },
          ],
        },
      });
      expect(res.status).toBe(201);
    }
  }
  clock.now = new Date('2025-06-20T12:00:00.000Z');
}

beforeAll(async () => {
  svc = await startVersions({}, () => clock.now);
  await seed();
  expect(await svc.versions.refreshTimingSnapshot()).toBe(true);
});
afterAll(async () => {
  await svc.close();
});

describe('read API authentication', () => {
  it.each([
    ['no token', {}, 401],
    ['wrong bearer token', { authorization: 'Bearer nope' }, 401],
    ['token as Basic', { authorization: `Basic ${READ_TOKEN}` }, 401],
    ['bearer token', { authorization: `Bearer ${READ_TOKEN}` }, 200],
    ['PRIVATE-TOKEN header', { 'private-token': READ_TOKEN }, 200],
  ])('%s → %d', async (_name, headers, status) => {
    for (const path of [
      '/api/v1/instances',
      '/api/v1/metrics/health',
      '/api/v1/export',
      '/api/v1/metrics/counts.issues/series',
    ]) {
      const res = await fetch(`${svc.baseUrl}${path}`, { headers });
      await res.arrayBuffer();
      expect(`${path} ${res.status}`).toBe(`${path} ${status}`);
    }
  });
});

describe('GET /api/v1/instances', () => {
  it('lists instances, most recently heard from first, with their ping counts', async () => {
    const res = await getJson(svc.baseUrl, '/api/v1/instances');
    expect(
      jsonObjects(jsonField(res.body, 'instances')).map((i) => [i.uuid, i.ping_count, i.last_version]),
    ).toEqual([
      ['alpha', 2, '17.0.0'],
      ['beta', 1, '17.0.0'],
      ['gamma', 1, '16.0.0'],
    ]);
  });

  it('lists only instances silent for stale_days', async () => {
    const res = await getJson(svc.baseUrl, '/api/v1/instances?stale_days=14');
    expect(jsonObjects(jsonField(res.body, 'instances')).map((i) => i.uuid)).toEqual(['gamma']);
  });

  it('answers 400 on a bad parameter', async () => {
    expect((await getJson(svc.baseUrl, '/api/v1/instances?limit=abc')).status).toBe(400);
  });
});

describe('GET /api/v1/instances/:uuid/pings', () => {
  it("lists an instance's pings newest first", async () => {
    const res = await getJson(svc.baseUrl, '/api/v1/instances/alpha/pings');
    expect(res.status).toBe(200);
    expect(jsonObjects(jsonField(res.body, 'pings')).map((p) => [p.version, p.score_reported])).toEqual([
      ['17.0.0', true],
      ['16.11.0', false],
    ]);
  });

  it('answers 404 for an unknown instance', async () => {
    expect((await getJson(svc.baseUrl, '/api/v1/instances/nobody/pings')).status).toBe(404);
  });
});

describe('GET /api/v1/metrics/:keyPath/series', () => {
  it("returns a metric's values across instances and versions over time", async () => {
    const res = await getJson(svc.baseUrl, '/api/v1/metrics/counts.issues/series?since=2025-05-01T00:00:00Z');
    expect(jsonObjects(jsonField(res.body, 'points')).map((p) => [p.uuid, p.version, p.value])).toEqual([
      ['alpha', '16.11.0', 10],
      ['alpha', '17.0.0', 20],
      ['beta', '17.0.0', 5],
    ]);
    expect(jsonField(res.body, 'byVersion')).toEqual([
      { version: '16.11.0', instances: 1, pings: 1, min: 10, avg: 10, max: 10 },
      { version: '17.0.0', instances: 2, pings: 2, min: 5, avg: 12.5, max: 20 },
    ]);
  });

  it('refuses a key path with SQL in it', async () => {
    const res = await getJson(
      svc.baseUrl,
      `/api/v1/metrics/${encodeURIComponent("counts.issues'--")}/series`,
    );
    expect(res.status).toBe(400);
  });
});

describe('GET /api/v1/metrics/health', () => {
  it('reports failure rates (value < 0) and timing percentiles by version', async () => {
    const res = await getJson(svc.baseUrl, '/api/v1/metrics/health?days=30');
    expect(jsonField(res.body, 'failures')).toEqual([
      { version: '17.0.0', key_path: 'counts.boards', pings: 2, failures: 1, failure_rate: 0.5 },
    ]);
    // Six samples 0.1, 0.2, 0.3, 1, 2, 3 (and a tenth of them for boards), interpolated percentiles,
    // from the snapshot (refreshed in beforeAll).
    const rounded = jsonObjects(jsonField(res.body, 'slowest')).map((s) => ({
      ...s,
      p50_s: round(jsonNumber(s.p50_s)),
      p95_s: round(jsonNumber(s.p95_s)),
    }));
    expect(rounded).toEqual([
      { version: '17.0.0', key_path: 'counts.issues', samples: 6, errors: 0, p50_s: 0.65, p95_s: 2.75 },
      { version: '17.0.0', key_path: 'counts.boards', samples: 6, errors: 0, p50_s: 0.065, p95_s: 0.275 },
    ]);
    expect(jsonField(res.body, 'slowest_computed_at')).toBe('2025-06-20T12:00:00.000Z');
  });
});

describe('GET /api/v1/export', () => {
  it('streams NDJSON, one ping with its payload per line, since a time', async () => {
    const res = await fetch(`${svc.baseUrl}/api/v1/export?since=2025-06-01T00:00:00Z`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => jsonObject(JSON.parse(l)));
    expect(
      lines.map((l) => [l.uuid, l.version, jsonField(jsonField(l.payload, 'counts'), 'issues')]),
    ).toEqual([
      ['alpha', '16.11.0', 10],
      ['alpha', '17.0.0', 20],
      ['beta', '17.0.0', 5],
    ]);
  });

  it('keeps a payload sent pretty-printed on one line', async () => {
    const sent = makePayload({ uuid: 'pretty', recordedAt: '2025-06-22T00:00:00Z', counts: { issues: 4 } });
    clock.now = new Date('2025-06-22T00:00:00Z');
    const stored = await postJson(
      svc.baseUrl,
      '/usage_data',
      JSON.stringify(sent, null, 2).replace(/\n/g, '\r\n'),
    );
    expect(stored.status).toBe(201);
    const res = await fetch(`${svc.baseUrl}/api/v1/export?since=2025-06-22T00:00:00Z`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines.map((l) => jsonField(JSON.parse(l), 'payload'))).toEqual([sent]);
    await svc.versions.db('usage_data').where({ uuid: 'pretty' }).delete();
    await svc.versions.db('instances').where({ uuid: 'pretty' }).delete();
    clock.now = new Date('2025-06-20T12:00:00.000Z');
  });

  it('pages through more rows than one page holds', async () => {
    clock.now = new Date('2025-06-21T00:00:00Z');
    for (let i = 0; i < 450; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          postJson(
            svc.baseUrl,
            '/usage_data',
            makePayload({ uuid: `bulk-${i + j}`, recordedAt: '2025-06-20T00:00:00Z' }),
          ),
        ),
      );
    }
    const res = await fetch(`${svc.baseUrl}/api/v1/export?since=2025-06-21T00:00:00Z`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    const uuids = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => jsonField(JSON.parse(l), 'uuid'));
    expect(uuids).toHaveLength(450);
    expect(new Set(uuids).size).toBe(450);
    await svc.versions.db('usage_data').where('uuid', 'like', 'bulk-%').delete();
    await svc.versions.db('instances').where('uuid', 'like', 'bulk-%').delete();
    clock.now = new Date('2025-06-20T12:00:00.000Z');
  });
});

describe('analyst views', () => {
  it('latest_usage_data holds one row per instance, its latest ping', async () => {
    const rows = await svc.versions.db('latest_usage_data').select('uuid', 'version').orderBy('uuid');
    expect(rows).toEqual([
      { uuid: 'alpha', version: '17.0.0' },
      { uuid: 'beta', version: '17.0.0' },
      { uuid: 'gamma', version: '16.0.0' },
    ]);
  });

  it('usage_data_metric_values flattens every numeric leaf', async () => {
    const rows = await svc.versions
      .db('usage_data_metric_values')
      .select('uuid', 'key_path', 'value')
      .where({ uuid: 'beta' })
      .whereIn('key_path', ['counts.boards', 'usage_activity_by_stage.plan.issues', 'active_user_count'])
      .orderBy('key_path');
    expect(rows).toEqual([
      { uuid: 'beta', key_path: 'active_user_count', value: '10' },
      { uuid: 'beta', key_path: 'counts.boards', value: '-1' },
      { uuid: 'beta', key_path: 'usage_activity_by_stage.plan.issues', value: '5' },
    ]);
  });

  it('metric_failure_rates, metric_timing_percentiles and stale_instances answer the common questions', async () => {
    // count() and numeric columns come back from pg as text.
    const failures = await svc.versions
      .db<{ version: string; key_path: string; pings: string; failures: string; failure_rate: string }>(
        'metric_failure_rates',
      )
      .where({ key_path: 'counts.boards' })
      .orderBy('version');
    expect(failures.map((f) => [f.version, f.pings, f.failures, f.failure_rate])).toEqual([
      ['16.0.0', '1', '0', '0.0000'],
      ['16.11.0', '1', '0', '0.0000'],
      ['17.0.0', '2', '1', '0.5000'],
    ]);
    const timings = await svc.versions
      .db<{ version: string; key_path: string; samples: string; p50_s: number; p95_s: number }>(
        'metric_timing_percentiles',
      )
      .where({ key_path: 'counts.issues' });
    expect(timings.map((t) => [t.version, t.samples, round(t.p50_s), round(t.p95_s)])).toEqual([
      ['17.0.0', '6', 0.65, 2.75],
    ]);
    // The view uses the database clock; gamma's last ping (April 2025) is long past 14 days.
    const stale = await svc.versions.db<{ uuid: string }>('stale_instances').select('uuid');
    expect(stale.map((s) => s.uuid)).toContain('gamma');
  });
});
