import { expect } from '@jest/globals';
import { request } from 'node:http';
import fc from 'fast-check';
import {
  convIndex,
  getJson,
  jsonArray,
  jsonField,
  jsonNumber,
  jsonObjects,
  makePayload,
  postJson,
  READ_TOKEN,
  startVersions,
  type RunningVersions,
} from './versions-harness';

/**
 * Versions' ingest is anonymous and on the internet: whatever body or path a client sends, the
 * answer is never a 5xx, a refused body stores nothing, and an accepted one is stored exactly once.
 * Bodies and paths are generated with fast-check around the payload schema and the cases that got
 * through before (issue 19). The seed is fixed so a failure reproduces; the run counts are bounded
 * to keep the suite well under a minute.
 */
const SEED = 19;
const BODY_RUNS = 500;
const VALID_RUNS = 60;
const DIAGNOSTIC_RUNS = 150;
const PATH_RUNS = 1000;
/** Generous: on a shared 2-core machine the same runs took from 40 s to over 60 s. */
const PROPERTY_TIMEOUT_MS = 240_000;

let svc: RunningVersions;
beforeAll(async () => {
  svc = await startVersions({ VERSIONS_AUTH_FAILURE_LIMIT: '0' });
});
afterAll(async () => {
  await svc.close();
});

/** A number written into the JSON text as is (JSON.stringify cannot write 1e-400 or 1e999). */
class RawNumber {
  constructor(readonly text: string) {}
}
const RAW = '\u0001raw:';
function toJsonText(doc: unknown): string {
  return JSON.stringify(doc, (_key, value: unknown) =>
    value instanceof RawNumber ? `${RAW}${value.text}` : value,
  ).replace(new RegExp(`"${RAW.replace('\u0001', '\\\\u0001')}([^"]*)"`, 'g'), '$1');
}

const rawNumbers = fc
  .constantFrom(
    '1e-400',
    '-1e-400',
    '1e400',
    '1e308',
    '1e305',
    '1e300',
    '-0',
    '9007199254740993',
    '9223372036854775807',
    '9223372036854775808',
    '123456789012345678901234567890',
    `0.${'1'.repeat(17_000)}`,
    '1E+2',
    '4.9e-324',
  )
  .map((text) => new RawNumber(text));
const hostileStrings = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff', '__proto__', '<script>', "'; DROP TABLE x; --"),
);
const numbers = fc.oneof(
  fc.integer(),
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.double(),
  fc.constantFrom(-1, -2, -1000, 0, 1e305, 1e308, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE),
  rawNumbers,
);
const metricKey = fc.oneof(
  fc.constantFrom(
    'issues',
    'notes',
    'boards',
    'ci_pipelines',
    'deployments',
    '__proto__',
    'constructor',
    'a.b',
  ),
  fc.string({ minLength: 1, maxLength: 20 }),
  hostileStrings,
);
const metricValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numbers,
    hostileStrings,
    fc.constant(null),
    fc.boolean(),
    fc.dictionary(metricKey, tie('value'), { maxKeys: 4 }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
})).value;

const validTimestamps = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const timestamps = fc.oneof(
  validTimestamps,
  fc.constantFrom(
    '2024-12-31T23:59:60Z',
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '2200-01-01T00:00:00Z',
    '2023-02-29T12:00:00Z',
    '2025-06-02T08:00:00+24:00',
    '2025-06-02',
    '',
  ),
  hostileStrings,
);
const dates = fc.oneof(
  fc
    .date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('0000-01-01', '2025-02-29', '-0001-01-01', '10000-01-01', '2025-1-1'),
  hostileStrings,
);
const uuids = fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/), hostileStrings);

/** Mostly `valid`, sometimes `hostile`: so that bodies breaking one rule at a time are common. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: hostile, weight: 1 });

/** A ping that may break any rule of the schema, in any field, or none. */
const usageDataBody = fc.record(
  {
    uuid: mostly(fc.uuid(), uuids),
    hostname: mostly(fc.domain(), hostileStrings),
    version: mostly(fc.constantFrom('17.0.0', '16.11.2-ee'), hostileStrings),
    recorded_at: mostly(validTimestamps, timestamps),
    active_user_count: mostly(fc.integer({ min: 0, max: 100_000 }), numbers),
    historical_max_users: mostly(fc.integer({ min: 0, max: 100_000 }), numbers),
    license_starts_at: mostly(fc.constant('2025-01-01'), fc.oneof(dates, fc.constant(null))),
    license_expires_at: mostly(fc.constant(null), dates),
    license_id: mostly(fc.nat(), numbers),
    edition: mostly(fc.constantFrom('EE', 'CE'), hostileStrings),
    counts: mostly(
      fc.dictionary(
        fc.stringMatching(/^[a-z_]{1,20}$/),
        mostly(fc.integer({ min: -1000, max: 1e9 }), metricValue),
        {
          maxKeys: 12,
        },
      ),
      fc.oneof(fc.dictionary(metricKey, metricValue, { maxKeys: 12 }), metricValue),
    ),
    extra: mostly(fc.constant({}), fc.dictionary(metricKey, metricValue, { maxKeys: 4 })),
  },
  { requiredKeys: ['uuid', 'hostname', 'version', 'recorded_at'] },
);

/** A ping every rule accepts: it must be stored once, and a re-send must not store it again. */
const validBody = fc.record({
  uuid: fc.uuid(),
  recorded_at: validTimestamps,
  active_user_count: fc.integer({ min: 0, max: 1_000_000 }),
  counts: fc.dictionary(
    fc.stringMatching(/^[a-z_]{1,30}$/),
    fc.oneof(fc.integer({ min: -1000, max: 2 ** 40 }), fc.double({ min: -1e15, max: 1e15, noNaN: true })),
    { maxKeys: 40 },
  ),
});

async function rowCount(table: string): Promise<number> {
  const rows: Array<{ n: string }> = await svc.versions.db(table).count({ n: '*' });
  return Number(rows[0]!.n);
}

const storedPings = () => rowCount('usage_data');

async function storedDiagnostics(): Promise<number> {
  return (await rowCount('usage_ping_metadata')) + (await rowCount('usage_ping_errors'));
}

/** A raw request: `path` goes on the wire exactly as given (fetch would normalise it). */
function rawRequest(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(svc.baseUrl);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('generated bodies', () => {
  it(
    `never answers 5xx to /usage_data; stores accepted bodies once and refused ones never (${BODY_RUNS} bodies)`,
    async () => {
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(usageDataBody, async ({ extra, ...fields }) => {
          const text = toJsonText({ ...fields, ...extra });
          const before = await storedPings();
          const res = await postJson(svc.baseUrl, '/usage_data', text);
          expect(res.status).toBeLessThan(500);
          const after = await storedPings();
          if (res.status === 201) {
            accepted++;
            expect(after).toBe(before + 1);
            const row = await svc.versions
              .db<{ id: string }>('usage_data')
              .where('id', jsonNumber(convIndex(res.body).usage_data_id))
              .first();
            expect(row).toBeDefined();
          } else {
            expect(after).toBe(before);
            if (res.status !== 200) expect(jsonField(res.body, 'error')).toEqual(expect.any(String));
          }
        }),
        { numRuns: BODY_RUNS, seed: SEED },
      );
      // The generator must reach the storing path too, or the property says little.
      expect(accepted).toBeGreaterThan(BODY_RUNS / 10);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    `stores every valid ping exactly once, and a re-send of it not again (${VALID_RUNS} generated pings)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(validBody, async ({ uuid, recorded_at, active_user_count, counts }) => {
          const payload = makePayload({
            uuid,
            recordedAt: recorded_at,
            activeUsers: active_user_count,
            counts,
          });
          const first = await postJson(svc.baseUrl, '/usage_data', payload);
          expect(first.status).toBe(201);
          const again = await postJson(svc.baseUrl, '/usage_data', payload);
          expect(again.status).toBe(200);
          expect(await svc.versions.db('usage_data').where({ uuid }).count({ n: '*' })).toEqual([{ n: '1' }]);
        }),
        { numRuns: VALID_RUNS, seed: SEED },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    `never answers 5xx to /usage_ping_metadata and /usage_ping_errors (${DIAGNOSTIC_RUNS} bodies each)`,
    async () => {
      const metadata = fc.record({
        metadata: fc.record({
          uuid: uuids,
          metrics: fc.array(
            fc.record({
              name: fc.oneof(fc.string({ minLength: 1 }), hostileStrings),
              time_elapsed: numbers,
              error: fc.option(hostileStrings, { nil: undefined }),
            }),
            { maxLength: 5 },
          ),
        }),
      });
      const errors = fc.record({
        error: fc.record({
          time: timestamps,
          uuid: uuids,
          hostname: fc.oneof(fc.domain(), hostileStrings),
          version: fc.oneof(fc.constant('17.0.0'), hostileStrings),
          message: hostileStrings,
          elapsed: numbers,
        }),
      });
      for (const [path, arbitrary] of [
        ['/usage_ping_metadata', metadata],
        ['/usage_ping_errors', errors],
      ] as const) {
        await fc.assert(
          fc.asyncProperty(arbitrary as fc.Arbitrary<unknown>, async (body) => {
            const before = await storedDiagnostics();
            const res = await postJson(svc.baseUrl, path, toJsonText(body));
            expect(res.status).toBeLessThan(500);
            expect(await storedDiagnostics()).toBe(res.status === 201 ? before + 1 : before);
          }),
          { numRuns: DIAGNOSTIC_RUNS, seed: SEED },
        );
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('generated paths', () => {
  /** A path segment: text percent-encoded as UTF-8, or broken encodings written raw. */
  const segment = fc.oneof(
    fc.string().map(encodeURIComponent),
    fc.string({ unit: 'binary' }).map(encodeURIComponent),
    fc.constantFrom(
      '%00',
      '%',
      '%ZZ',
      '%C0%80',
      '%ff',
      '..',
      '%2e%2e',
      'a%00b',
      '%ud800',
      'counts.issues',
      '%E0%A4%A',
    ),
  );
  const paths = fc.oneof(
    segment.map((s) => `/api/v1/instances/${s}/pings`),
    segment.map((s) => `/api/v1/metrics/${s}/series`),
    segment.map((s) => `/api/v1/metrics/counts.issues/series?since=${s}&until=${s}&limit=${s}`),
    segment.map((s) => `/api/v1/instances?limit=${s}&offset=${s}&stale_days=${s}`),
    segment.map((s) => `/api/v1/export?since=${s}`),
    segment.map((s) => `/api/v1/metrics/health?days=${s}&limit=${s}`),
    segment.map((s) => `/dashboard?metric=${s}`),
    fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`),
  );

  it(
    `never answers 5xx to any path, with or without a read token (${PATH_RUNS} paths)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(paths, fc.boolean(), async (path, authenticated) => {
          const status = await rawRequest(
            'GET',
            path,
            undefined,
            authenticated ? { authorization: `Bearer ${READ_TOKEN}` } : {},
          );
          expect(status).toBeLessThan(500);
        }),
        { numRuns: PATH_RUNS, seed: SEED },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('what got through before (issue 19)', () => {
  const base = (extra: Record<string, unknown>) => ({ ...makePayload(), ...extra });

  it.each([
    ['a leap second in recorded_at', base({ recorded_at: '2024-12-31T23:59:60Z' }), 422],
    ['year 0000 in license_starts_at', base({ license_starts_at: '0000-01-01' }), 422],
    [
      'counts.issues 1e305 with one active user',
      base({ active_user_count: 1, counts: { issues: 1e305 } }),
      422,
    ],
    [
      'two pipeline counts of 1e308',
      base({ counts: { ci_internal_pipelines: 1e308, ci_external_pipelines: 1e308 } }),
      422,
    ],
    [
      '2^53 - 1 users and 1e300 issues',
      base({ active_user_count: 9007199254740991, counts: { issues: 1e300 } }),
      422,
    ],
  ])('%s: refused, nothing stored', async (_name, body, status) => {
    const before = await storedPings();
    const res = await postJson(svc.baseUrl, '/usage_data', body);
    expect(res.status).toBe(status);
    expect(jsonArray(jsonField(res.body, 'errors')).length).toBeGreaterThan(0);
    expect(await storedPings()).toBe(before);
  });

  it('a leap second in /usage_ping_errors error.time → 422', async () => {
    const res = await postJson(svc.baseUrl, '/usage_ping_errors', {
      error: {
        time: '2024-12-31T23:59:60Z',
        uuid: 'u1',
        hostname: 'h',
        version: '17.0.0',
        message: 'm',
        elapsed: 1,
      },
    });
    expect(res.status).toBe(422);
  });

  it('1e-400 is stored as the 0 it parses to, and the series of that metric answers', async () => {
    const payload = makePayload({ counts: { issues: 1 } });
    const text = JSON.stringify(payload).replace('"issues":1', '"issues":1e-400');
    expect((await postJson(svc.baseUrl, '/usage_data', text)).status).toBe(201);
    const series = await getJson(svc.baseUrl, '/api/v1/metrics/counts.issues/series');
    expect(series.status).toBe(200);
    expect(jsonObjects(jsonField(series.body, 'points')).map((p) => p.value)).toContain(0);
  });

  it('a stored bigint beside other values keeps avg() finite', async () => {
    const big = makePayload({ counts: { boards: 9_000_000_000_000_000_000 } });
    expect((await postJson(svc.baseUrl, '/usage_data', big)).status).toBe(201);
    const series = await getJson(svc.baseUrl, '/api/v1/metrics/counts.boards/series');
    expect(series.status).toBe(200);
    for (const v of jsonObjects(jsonField(series.body, 'byVersion')))
      expect(Number.isFinite(v.avg)).toBe(true);
  });

  it.each([
    '/api/v1/instances/%00/pings',
    '/api/v1/instances/a%00b/pings',
    '/api/v1/metrics/%00/series',
    '/%',
    '/api/v1/instances/%ZZ/pings',
  ])('GET %s → 4xx', async (path) => {
    const status = await rawRequest('GET', path, undefined, { authorization: `Bearer ${READ_TOKEN}` });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('a payload with more keys than the limit → 422 before anything is stored', async () => {
    const counts = Object.fromEntries(Array.from({ length: 31_000 }, (_, i) => [`k${i}`, i]));
    const before = await storedPings();
    const res = await postJson(svc.baseUrl, '/usage_data', makePayload({ counts }));
    expect(res.status).toBe(422);
    expect(jsonField(res.body, 'error')).toBe('too_many_keys');
    expect(await storedPings()).toBe(before);
  });
});
