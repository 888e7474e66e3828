import { gzipSync } from 'node:zlib';
import {
  convIndex,
  jsonField,
  jsonNumber,
  makePayload,
  postJson,
  startVersions,
  type RunningVersions,
} from './versions-harness';

/** The columns of each table these tests read (bigint columns come back from pg as text). */
interface UsageDataRow {
  id: string;
  uuid: string;
  version: string;
  edition: string;
  installation_type: string;
  active_user_count: string;
  license_plan: string;
  license_trial: boolean;
  recorded_at: Date;
  received_at: Date;
  duplicate_count: number;
  payload: Record<string, unknown>;
}
interface InstanceRow {
  uuid: string;
  ping_count: number;
  last_version: string;
  last_ping_at: Date;
  last_recorded_at: Date;
}
interface ScoreRow {
  usage_data_id: string;
  reported: boolean;
  leader_issues: number;
  percentage_issues: number;
}

let svc: RunningVersions;
const clock = { now: new Date('2025-06-02T10:00:00.000Z') };

beforeAll(async () => {
  svc = await startVersions({}, () => clock.now);
});
afterAll(async () => {
  await svc.close();
});

const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number((await svc.versions.db(table).where(where).count<{ count: string }[]>({ count: '*' }))[0]!.count);

describe('POST /usage_data', () => {
  it("stores a ping, its facts as columns and the payload as sent, and answers only the id on an instance's first ping", async () => {
    const payload = makePayload({ uuid: 'first-ping-instance', extra: { some_new_metric: { nested: 5 } } });
    const res = await postJson(svc.baseUrl, '/usage_data', payload);
    expect(res.status).toBe(201);
    expect(Object.keys(convIndex(res.body))).toEqual(['usage_data_id']);
    const row = await svc.versions
      .db<UsageDataRow>('usage_data')
      .where('id', jsonNumber(convIndex(res.body).usage_data_id))
      .first();
    expect(row).toMatchObject({
      uuid: 'first-ping-instance',
      version: '16.11.2',
      edition: 'EE',
      installation_type: 'omnibus-gitlab',
      active_user_count: '10',
      license_plan: 'ultimate',
      license_trial: false,
      received_at: clock.now,
    });
    expect(row?.payload.some_new_metric).toEqual({ nested: 5 });
    // counts are stored once, in the payload; latest_usage_data derives stats from it.
    expect(row).not.toHaveProperty('stats');
    const latest = await svc.versions
      .db<{ uuid: string; stats: unknown }>('latest_usage_data')
      .where({ uuid: 'first-ping-instance' })
      .first();
    expect(latest?.stats).toEqual(payload.counts);
    const instance = await svc.versions
      .db<InstanceRow>('instances')
      .where({ uuid: 'first-ping-instance' })
      .first();
    expect(instance).toMatchObject({ ping_count: 1, last_version: '16.11.2', last_ping_at: clock.now });
  });

  it('keeps the digits of an integer past 2⁵³, which servping sends as a decimal string', async () => {
    // A bigint sum past 2⁶³ (docs/versions.md, "Integers past 2⁵³"): a JSON number would be rounded
    // by JSON.parse on its way, so the digits travel as text and are stored as text.
    const digits = '10150097708399869345796';
    const payload = makePayload({ uuid: 'big-sum-instance', counts: { huge_sum: digits, issues: 3 } });
    const res = await postJson(svc.baseUrl, '/usage_data', payload);
    expect(res.status).toBe(201);
    const { rows } = await svc.versions.db.raw<{ rows: { sum: string; kind: string }[] }>(
      `SELECT payload->'counts'->>'huge_sum' AS sum, json_typeof(payload->'counts'->'huge_sum') AS kind
         FROM usage_data WHERE id = ?`,
      [jsonNumber(convIndex(res.body).usage_data_id)],
    );
    expect(rows[0]).toEqual({ sum: digits, kind: 'string' });
  });

  it('answers the DevOps score from the second ping on, against the leader among other instances', async () => {
    // A leader instance with 10.2 issues per user (102 issues / 10 users), reported twice.
    await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'leader', recordedAt: '2025-05-26T00:00:00Z', counts: { issues: 1 } }),
    );
    await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'leader', recordedAt: '2025-06-01T00:00:00Z', counts: { issues: 102 } }),
    );
    // An instance whose first ping had few issues; its second has 3.2 per user.
    await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'follower', recordedAt: '2025-05-26T00:00:00Z', counts: { issues: 1 } }),
    );
    // Leaders come from the background snapshot (VERSIONS_LEADER_SNAPSHOT_INTERVAL_S): take it now.
    await svc.versions.refreshLeaderSnapshot();
    const res = await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'follower', recordedAt: '2025-06-02T00:00:00Z', counts: { issues: 32, notes: 5 } }),
    );
    expect(res.status).toBe(201);
    expect(convIndex(res.body)).toMatchObject({
      leader_issues: 10.2,
      instance_issues: 3.2,
      percentage_issues: 31.37,
      instance_notes: 0.5,
    });
    expect(Object.keys(convIndex(res.body))).toHaveLength(31);
    const stored = await svc.versions
      .db<ScoreRow>('conversational_development_indices')
      .where('usage_data_id', jsonNumber(convIndex(res.body).usage_data_id))
      .first();
    expect(stored).toMatchObject({ reported: true, leader_issues: 10.2, percentage_issues: 31.37 });
  });

  it('stores 50 concurrent identical pings as one row and answers the same id to all', async () => {
    const payload = makePayload({ uuid: 'concurrent-instance' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => postJson(svc.baseUrl, '/usage_data', payload)),
    );
    const ids = new Set(answers.map((a) => jsonNumber(convIndex(a.body).usage_data_id)));
    expect(ids.size).toBe(1);
    expect(answers.map((a) => a.status).sort()).toEqual([...Array<number>(49).fill(200), 201]);
    expect(await count('usage_data', { uuid: 'concurrent-instance' })).toBe(1);
    expect(await count('conversational_development_indices', { usage_data_id: [...ids][0] })).toBe(1);
    const row = await svc.versions
      .db<UsageDataRow>('usage_data')
      .where({ uuid: 'concurrent-instance' })
      .first();
    expect(row?.duplicate_count).toBe(49);
    const instance = await svc.versions
      .db<InstanceRow>('instances')
      .where({ uuid: 'concurrent-instance' })
      .first();
    expect(instance?.ping_count).toBe(1);
  });

  it('gives a re-sent scored ping the same answer it gave the first time', async () => {
    const payload = makePayload({
      uuid: 'follower',
      recordedAt: '2025-06-02T00:00:00Z',
      counts: { issues: 32, notes: 5 },
    });
    const again = await postJson(svc.baseUrl, '/usage_data', payload);
    expect(again.status).toBe(200);
    expect(convIndex(again.body)).toMatchObject({ leader_issues: 10.2, percentage_issues: 31.37 });
  });

  it('accepts a gzip-compressed body', async () => {
    const body = gzipSync(JSON.stringify(makePayload({ uuid: 'gzip-instance' })));
    const res = await postJson(svc.baseUrl, '/usage_data', body, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(201);
    expect(await count('usage_data', { uuid: 'gzip-instance' })).toBe(1);
  });

  it('keeps the instance facts of the newest ping when an older one arrives late', async () => {
    await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'late', recordedAt: '2025-06-01T00:00:00Z', version: '17.0.0' }),
    );
    await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'late', recordedAt: '2025-05-01T00:00:00Z', version: '16.0.0' }),
    );
    const instance = await svc.versions.db<InstanceRow>('instances').where({ uuid: 'late' }).first();
    expect(instance).toMatchObject({
      last_version: '17.0.0',
      ping_count: 2,
      last_recorded_at: new Date('2025-06-01T00:00:00Z'),
    });
  });
});

describe('POST /usage_ping_metadata', () => {
  it('stores one header row linked to the latest ping and one row per metric timing', async () => {
    const res = await postJson(svc.baseUrl, '/usage_ping_metadata', {
      metadata: {
        uuid: 'follower',
        metrics: [
          { name: 'counts.issues', time_elapsed: 0.25 },
          { name: 'counts.notes', time_elapsed: 1.5, error: 'PG::QueryCanceled' },
          { name: 'counts.service_desk_issues', time_elapsed: 3.5, batch_size_kept: 50_000 },
          {
            name: 'counts.notes_pass',
            time_elapsed: 2,
            pass: 'notes/all/1',
            pass_statements: 40,
            pass_rows: 9_000_000,
          },
        ],
      },
    });
    expect(res.status).toBe(201);
    const metadataId = jsonNumber(jsonField(res.body, 'id'));
    const header = await svc.versions
      .db<{ id: string; uuid: string; metric_count: number; version: string; usage_data_id: string }>(
        'usage_ping_metadata',
      )
      .where('id', metadataId)
      .first();
    const latest = await svc.versions
      .db<UsageDataRow>('usage_data')
      .where({ uuid: 'follower' })
      .orderBy('recorded_at', 'desc')
      .first();
    expect(header).toMatchObject({
      uuid: 'follower',
      metric_count: 4,
      version: '16.11.2',
      usage_data_id: latest?.id,
    });
    const timings = await svc.versions
      .db<{
        id: string;
        metadata_id: string;
        name: string;
        time_elapsed_s: number;
        error: string | null;
        batch_size_kept: string | null;
        pass: string | null;
        pass_statements: string | null;
        pass_rows: string | null;
      }>('usage_ping_metric_timings')
      .where('metadata_id', metadataId)
      .orderBy('id');
    expect(
      timings.map((t) => [
        t.name,
        t.time_elapsed_s,
        t.error,
        t.batch_size_kept,
        t.pass,
        t.pass_statements,
        t.pass_rows,
      ]),
    ).toEqual([
      ['counts.issues', 0.25, null, null, null, null, null],
      ['counts.notes', 1.5, 'PG::QueryCanceled', null, null, null, null],
      ['counts.service_desk_issues', 3.5, null, '50000', null, null, null],
      ['counts.notes_pass', 2, null, null, 'notes/all/1', '40', '9000000'],
    ]);
  });
});

describe('POST /usage_ping_errors', () => {
  it('stores the error report as a row', async () => {
    const res = await postJson(svc.baseUrl, '/usage_ping_errors', {
      error: {
        time: '2025-06-02T09:00:00Z',
        uuid: 'follower',
        hostname: '127.0.0.1',
        version: '14.7.0-pre',
        message: 'PG::UndefinedColumn: ERROR: column "x" does not exist',
        elapsed: 0.006946,
      },
    });
    expect(res.status).toBe(201);
    const row = await svc.versions
      .db<{ id: string; uuid: string; version: string; elapsed_s: number; instance_id: string | null }>(
        'usage_ping_errors',
      )
      .where('id', jsonNumber(jsonField(res.body, 'id')))
      .first();
    expect(row).toMatchObject({ uuid: 'follower', version: '14.7.0-pre', elapsed_s: 0.006946 });
    expect(row?.instance_id).not.toBeNull();
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a client IP has spent its burst', async () => {
    const limited = await startVersions(
      { VERSIONS_RATE_LIMIT_PER_MINUTE: '60', VERSIONS_RATE_LIMIT_BURST: '3' },
      () => clock.now,
    );
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const res = await postJson(limited.baseUrl, '/usage_ping_errors', 'not json');
        statuses.push(res.status);
        retryAfter = res.headers.get('retry-after');
      }
      expect(statuses).toEqual([400, 400, 400, 429]);
      // A fixed window of 3 requests at 60 a minute lasts 3 s: the answer is its remaining seconds.
      expect(retryAfter).toMatch(/^[1-3]$/);
    } finally {
      await limited.close();
    }
  });
});

describe('/metrics', () => {
  it('counts ingest outcomes and rejections by reason', async () => {
    await postJson(svc.baseUrl, '/usage_data', '{"uuid":');
    const text = await (await fetch(`${svc.baseUrl}/metrics`)).text();
    expect(text).toMatch(
      /versions_ingest_requests_total\{endpoint="usage_data",outcome="stored",service="versions"\} \d+/,
    );
    expect(text).toMatch(
      /versions_ingest_requests_total\{endpoint="usage_data",outcome="duplicate",service="versions"\} (49|50)/,
    );
    expect(text).toMatch(
      /versions_ingest_rejections_total\{endpoint="usage_data",reason="invalid_json",service="versions"\} 1/,
    );
    expect(text).toContain('versions_http_request_duration_seconds_bucket');
  });
});
