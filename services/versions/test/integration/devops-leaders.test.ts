import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { computeDevopsScore, DEVOPS_METRICS, perUserValues, type DevopsScore } from '@servping/versions';
import {
  convIndex,
  jsonNumber,
  makePayload,
  postJson,
  startVersions,
  scratchVersionsDatabase,
  type RunningVersions,
} from './versions-harness';

type PerUser = Record<(typeof DEVOPS_METRICS)[number], number>;
/** A conversational_development_indices row: the score and the columns the tests read besides it. */
type StoredScore = DevopsScore & { usage_data_id: string; reported: boolean };

/**
 * The leaders as docs/versions.md defines them, straight from the history: for every other
 * instance, its latest ping (by recorded_at, then id) among those received in the window; the
 * leader is the 90th percentile (nearest rank) of their positive per-user values. (No value in
 * these tests passes a plausibility bound; the test below covers those.)
 */
async function formulaLeaders(svc: RunningVersions, uuid: string, at: Date): Promise<PerUser> {
  const maxima = DEVOPS_METRICS.map(
    (m) =>
      `coalesce(percentile_disc(0.9) WITHIN GROUP (ORDER BY latest.instance_${m}) FILTER (WHERE latest.instance_${m} > 0), 0)::float8 AS ${m}`,
  ).join(', ');
  const result = await svc.versions.db.raw<{ rows: PerUser[] }>(
    `SELECT ${maxima}
       FROM (SELECT DISTINCT ON (c.instance_id) c.*
               FROM conversational_development_indices c
               JOIN usage_data u ON u.id = c.usage_data_id
              WHERE u.uuid <> ? AND u.received_at >= ?::timestamptz - interval '30 days'
              ORDER BY c.instance_id, u.recorded_at DESC, u.id DESC) latest`,
    [uuid, at],
  );
  return result.rows[0]!;
}

/** The leaders a ping of `uuid` is scored against, from a snapshot refreshed just now. */
async function snapshotLeaders(svc: RunningVersions, uuid: string): Promise<PerUser> {
  await svc.versions.refreshLeaderSnapshot();
  const result = await svc.versions.db.raw<{ rows: PerUser[] }>(
    'SELECT * FROM devops_leaders_among_others(?)',
    [uuid],
  );
  return result.rows[0]!;
}

describe('DevOps score leaders from the leader snapshot', () => {
  let svc: RunningVersions;
  const clock = { now: new Date('2025-06-01T00:00:00.000Z') };
  beforeAll(async () => {
    svc = await startVersions({}, () => clock.now);
  });
  afterAll(async () => {
    await svc.close();
  });

  it('answers every ping with the score the formula gives over the full history', async () => {
    // [instance, recorded_at, received_at, active users, counts]; includes first pings, a late
    // older ping, a re-send, a failed counter (-1), no active users and a stale instance.
    const pings: Array<[string, string, string, number, Record<string, unknown>]> = [
      ['stale', '2025-04-01T00:00:00Z', '2025-04-01T01:00:00Z', 2, { issues: 900, notes: 900 }],
      ['a', '2025-05-20T00:00:00Z', '2025-05-20T01:00:00Z', 10, { issues: 30, boards: 2 }],
      ['b', '2025-05-21T00:00:00Z', '2025-05-21T01:00:00Z', 4, { issues: 10, notes: 7, boards: -1 }],
      ['a', '2025-05-27T00:00:00Z', '2025-05-27T01:00:00Z', 10, { issues: 12, merge_requests: 40 }],
      ['c', '2025-05-28T00:00:00Z', '2025-05-28T01:00:00Z', 0, { issues: 50 }],
      ['b', '2025-05-14T00:00:00Z', '2025-05-28T02:00:00Z', 4, { issues: 400 }],
      ['b', '2025-05-28T00:00:00Z', '2025-05-28T03:00:00Z', 3, { issues: 9, ci_internal_pipelines: 6 }],
      ['d', '2025-05-29T00:00:00Z', '2025-05-29T01:00:00Z', 7, { issues: 22, deployments: 3 }],
      ['a', '2025-05-27T00:00:00Z', '2025-05-30T01:00:00Z', 10, { issues: 12, merge_requests: 40 }],
      ['c', '2025-06-04T00:00:00Z', '2025-06-04T01:00:00Z', 5, { issues: 5, notes: 1 }],
      ['a', '2025-06-03T00:00:00Z', '2025-06-25T01:00:00Z', 10, { issues: 1 }],
      ['d', '2025-06-26T00:00:00Z', '2025-06-26T01:00:00Z', 7, { issues: 7 }],
    ];
    const scored: string[] = [];
    for (const [uuid, recordedAt, receivedAt, activeUsers, counts] of pings) {
      clock.now = new Date(receivedAt);
      const leadersBefore = await formulaLeaders(svc, uuid, clock.now);
      expect(await snapshotLeaders(svc, uuid)).toEqual(leadersBefore);
      const payload = makePayload({ uuid, recordedAt, activeUsers, counts });
      const res = await postJson(svc.baseUrl, '/usage_data', payload);
      expect([200, 201]).toContain(res.status);
      const stored = await svc.versions
        .db<StoredScore>('conversational_development_indices')
        .where('usage_data_id', jsonNumber(convIndex(res.body).usage_data_id))
        .first();
      const { usage_data_id: _id, ...answered } = convIndex(res.body);
      if (res.status === 201) {
        const expected = computeDevopsScore(perUserValues(payload), [leadersBefore]);
        expect(pick(stored!)).toEqual(expected);
        expect(answered).toEqual(stored?.reported ? expected : {});
        scored.push(`${uuid} ${stored?.reported ? expected.percentage_issues : '-'}`);
      } else {
        expect(answered).toEqual(stored?.reported ? pick(stored) : {});
      }
      // After the ping every instance's view of the leaders still matches the formula.
      for (const other of ['stale', 'a', 'b', 'c', 'd', 'never-seen']) {
        expect(await snapshotLeaders(svc, other)).toEqual(await formulaLeaders(svc, other, clock.now));
      }
    }
    // percentage_issues of each new ping, worked by hand ('-': a first ping, answered with the id only).
    expect(scored).toEqual([
      'stale -',
      'a -',
      'b -',
      'a 48', // 1.2 against b's 2.5 ('stale' is out of the window)
      'c -',
      'b 100', // b's late older ping: 100 per user, its own latest does not count against it
      'b 100',
      'd -',
      'c 31.82', // 1 against d's 3.1429
      'a 3.18',
      'd 33.33', // 1 against b's 3
    ]);
    expect(await svc.versions.db('devops_leader_values').count({ n: '*' })).toEqual([{ n: '5' }]);
  });

  it('keeps one leader row per instance under concurrent pings of many instances', async () => {
    clock.now = new Date('2025-07-01T00:00:00Z');
    const uuids = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(
      uuids.flatMap((uuid, i) =>
        ['2025-06-30T00:00:00Z', '2025-06-30T00:00:00Z', '2025-06-29T00:00:00Z'].map((recordedAt) =>
          postJson(
            svc.baseUrl,
            '/usage_data',
            makePayload({
              uuid,
              recordedAt,
              activeUsers: 10,
              counts: { issues: i * (recordedAt < '2025-06-30' ? 2 : 1) },
            }),
          ),
        ),
      ),
    );
    expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
    const rows = await svc.versions
      .db('devops_leader_values as l')
      .join('instances as i', 'i.id', 'l.instance_id')
      .whereIn('i.uuid', uuids)
      .select<Array<{ uuid: string; recorded_at: Date; instance_issues: number }>>(
        'i.uuid',
        'l.recorded_at',
        'l.instance_issues',
      );
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      const i = Number(String(row.uuid).split('-')[1]);
      // The latest recorded ping wins whichever order the three requests landed in.
      expect(row).toMatchObject({ recorded_at: new Date('2025-06-30T00:00:00Z'), instance_issues: i / 10 });
    }
  });
});

describe('payload storage', () => {
  let svc: RunningVersions;
  beforeAll(async () => {
    svc = await startVersions();
  });
  afterAll(async () => {
    await svc.close();
  });

  it('stores the payload as sent, so integers past 2^53 (up to the end of bigint) keep every digit', async () => {
    const uuid = randomUUID();
    const text = JSON.stringify(makePayload({ uuid })).replace(/}$/, ',"big":9223372036854775807}');
    const res = await postJson(svc.baseUrl, '/usage_data', text);
    expect(res.status).toBe(201);
    const { rows } = await svc.versions.db.raw<{
      rows: Array<{ big: string; same: boolean; big_jsonb: string }>;
    }>(
      `SELECT payload ->> 'big' AS big, payload::text = ? AS same, payload::jsonb ->> 'big' AS big_jsonb
         FROM usage_data WHERE uuid = ?`,
      [text, uuid],
    );
    expect(rows).toEqual([{ big: '9223372036854775807', same: true, big_jsonb: '9223372036854775807' }]);
  });

  it('falls back to the parsed document for a number PostgreSQL cannot read', async () => {
    const uuid = randomUUID();
    // 20000 fractional digits: JSON.parse reads 0.1111…, jsonb refuses more than 16383.
    const text = JSON.stringify(makePayload({ uuid })).replace(/}$/, `,"tiny":0.${'1'.repeat(20_000)}}`);
    const res = await postJson(svc.baseUrl, '/usage_data', text);
    expect(res.status).toBe(201);
    const row = await svc.versions
      .db<{ uuid: string; payload: Record<string, unknown> }>('usage_data')
      .where({ uuid })
      .first();
    expect(row?.payload.tiny).toBe(0.1111111111111111);
    expect(await svc.versions.db('usage_data').where({ uuid }).count({ n: '*' })).toEqual([{ n: '1' }]);
    // Stored re-serialised, so jsonb (the flattening view, analysts' casts) reads it too.
    const { rows } = await svc.versions.db.raw<{ rows: Array<{ tiny: string }> }>(
      `SELECT payload::jsonb ->> 'tiny' AS tiny FROM usage_data WHERE uuid = ?`,
      [uuid],
    );
    expect(rows).toEqual([{ tiny: '0.1111111111111111' }]);
  });
});

describe('ingest_usage_data()', () => {
  let svc: RunningVersions;
  beforeAll(async () => {
    svc = await startVersions();
  });
  afterAll(async () => {
    await svc.close();
  });

  it('writes nothing when its last step fails', async () => {
    // Per-user values for one metric only: the score row violates NOT NULL (instance_notes) after
    // the instance, the usage_data row and the instance update were written in the same statement.
    await expect(
      svc.versions.db.raw(
        `SELECT * FROM ingest_usage_data(p_uuid => 'half', p_hostname => 'h', p_recorded_at => now(),
           p_version => '17.0.0', p_edition => NULL, p_installation_type => NULL, p_active_user_count => 1,
           p_historical_max_users => NULL, p_license_md5 => NULL, p_license_sha256 => NULL, p_license_id => NULL,
           p_license_plan => NULL, p_license_user_count => NULL, p_license_starts_at => NULL,
           p_license_expires_at => NULL, p_license_trial => NULL, p_license_subscription_id => NULL,
           p_payload => '{"counts":{"issues":1}}', p_received_at => now(), p_per_user => '{1}')`,
      ),
    ).rejects.toThrow(/null value in column "instance_notes"/);
    for (const table of [
      'instances',
      'usage_data',
      'conversational_development_indices',
      'devops_leader_values',
    ])
      expect(await svc.versions.db(table).count({ n: '*' })).toEqual([{ n: '0' }]);
  });
});

describe('devops_score()', () => {
  let svc: RunningVersions;
  beforeAll(async () => {
    svc = await startVersions();
  });
  afterAll(async () => {
    await svc.close();
  });

  // Values where rounding is decided: ties at the 4th and 2nd decimal (float8's round() would go
  // to even), tiny and subnormal values (float8 division underflows where JavaScript's does not),
  // huge ones and zeros.
  const perUser = fc.oneof(
    fc.constantFrom(0, 0.00005, 0.00015, 1.23445, 2.5, 0.125, 1e-7, 5e-324, 1e-310, 9.2e18, 10_000, 1 / 3),
    fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 10_000),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    fc.tuple(fc.nat(100_000), fc.integer({ min: 1, max: 5_000 })).map(([n, users]) => n / users),
  );
  const values = fc.array(perUser, { minLength: DEVOPS_METRICS.length, maxLength: DEVOPS_METRICS.length });

  // The migrations keep the list as the schema first stored it; the application's must match it.
  it('scores the metrics the schema stores, in its column order', async () => {
    const { rows } = await svc.versions.db.raw<{ rows: Array<{ table_name: string; metric: string }> }>(
      `SELECT table_name, substr(column_name, length('instance_') + 1) AS metric
         FROM information_schema.columns
        WHERE table_name IN ('conversational_development_indices', 'devops_leader_values')
          AND column_name LIKE 'instance\\_%' AND column_name <> 'instance_id'
        ORDER BY table_name, ordinal_position`,
    );
    for (const table of ['conversational_development_indices', 'devops_leader_values']) {
      expect(rows.filter((r) => r.table_name === table).map((r) => r.metric)).toEqual([...DEVOPS_METRICS]);
    }
  });

  it('scores exactly as computeDevopsScore does', async () => {
    await fc.assert(
      fc.asyncProperty(values, values, async (own, others) => {
        const byMetric = (list: number[]) =>
          Object.fromEntries(DEVOPS_METRICS.map((m, i) => [m, list[i]!])) as PerUser;
        const { rows } = await svc.versions.db.raw<{ rows: DevopsScore[] }>(
          'SELECT * FROM devops_score(?::float8[], ?::float8[])',
          [own, others],
        );
        expect(rows[0]).toEqual(computeDevopsScore(byMetric(own), [byMetric(others)]));
      }),
      { seed: 16, numRuns: 300 },
    );
  });
});

describe('migration onto an existing history', () => {
  const { db } = scratchVersionsDatabase('versions_leaders_migration');

  it('fills devops_leader_values with each instance latest scored ping', async () => {
    await db.migrate.up();
    await db.migrate.up();
    // ids are bigserial, which pg returns as text.
    const [instance] = await db('instances')
      .insert({
        uuid: 'old',
        hostname: 'h',
        first_ping_at: '2025-01-01Z',
        last_ping_at: '2025-01-08Z',
        last_recorded_at: '2025-01-08Z',
        last_version: '17.0.0',
      })
      .returning<Array<{ id: string }>>('id');
    const ids: number[] = [];
    for (const [recordedAt, issues] of [
      ['2025-01-08Z', 0.7],
      ['2025-01-01Z', 0.5],
    ] as const) {
      const [row] = await db('usage_data')
        .insert({
          instance_id: instance!.id,
          uuid: 'old',
          recorded_at: recordedAt,
          received_at: '2025-01-08Z',
          hostname: 'h',
          version: '17.0.0',
          payload: '{}',
        })
        .returning<Array<{ id: string }>>('id');
      ids.push(Number(row!.id));
      const score = computeDevopsScore({ ...zeros(), issues }, []);
      await db('conversational_development_indices').insert({
        usage_data_id: row!.id,
        instance_id: instance!.id,
        reported: true,
        ...score,
      });
    }
    await db.migrate.latest();
    const rows = await db<{ usage_data_id: string; instance_issues: number }>('devops_leader_values').select(
      'usage_data_id',
      'instance_issues',
    );
    expect(rows).toEqual([{ usage_data_id: String(ids[0]), instance_issues: 0.7 }]);
  });
});

function pick(row: DevopsScore): DevopsScore {
  return Object.fromEntries(
    DEVOPS_METRICS.flatMap((m) => [`leader_${m}`, `instance_${m}`, `percentage_${m}`] as const).map((c) => [
      c,
      row[c],
    ]),
  ) as DevopsScore;
}

function zeros(): PerUser {
  return Object.fromEntries(DEVOPS_METRICS.map((m) => [m, 0])) as PerUser;
}
