/**
 * Hostile and malformed bodies against a real Versions process (spawned from dist), interleaved
 * with valid pings: every bad body is refused with a 4xx naming why, nothing 5xx, every valid
 * ping is stored exactly once, and the process is still healthy afterwards.
 */
import { expect } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { mapLimit } from './support/bounded-wait';
import { postJson, rawRequest, type RawAnswer } from './support/http-client';
import { logDirectory, startVersionsProcess, type ServiceProcess } from './support/service-process';
import { createTempDatabase, type TempDatabase } from './support/temp-database';
import { validPing } from './support/usage-ping';

const LIMIT = 256 * 1024;
const logs = logDirectory('ingest');
let db: TempDatabase;
let versions: { proc: ServiceProcess; url: string };

beforeAll(async () => {
  db = await createTempDatabase('ingest');
  versions = await startVersionsProcess({
    databaseUrl: db.url,
    logDir: logs.dir,
    env: { VERSIONS_BODY_LIMIT_BYTES: String(LIMIT), VERSIONS_RATE_LIMIT_PER_MINUTE: '0' },
  });
});

afterAll(async () => {
  await versions?.proc.stop();
  await db?.drop();
  logs.remove();
});

const JSON_TYPE = { 'content-type': 'application/json' };
const GZIP = { ...JSON_TYPE, 'content-encoding': 'gzip' };
const ping = validPing('abuse-template');
const withField = (field: string, value: unknown) => JSON.stringify({ ...ping, [field]: value });
const withCounts = (counts: unknown) => JSON.stringify({ ...ping, counts });
const without = (field: string) =>
  JSON.stringify(Object.fromEntries(Object.entries(ping).filter(([k]) => k !== field)));
const nestedObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const nestedArrays = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
const errorReport = {
  time: '2026-11-20T09:00:00Z',
  uuid: 'abuse-template',
  hostname: 'h',
  version: '17.0.1',
  message: 'm',
  elapsed: 1,
};
/** 64 MiB of zeros gzip to ~64 KiB: under the wire limit, far over the inflated limit. */
const gzipBomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
const validGzip = gzipSync(JSON.stringify(ping));

type Expect = { status: number; error: string; message: RegExp; path?: string };
type BadCase = {
  name: string;
  path?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  expect: Expect;
};

const badJson = (name: string, body: string): BadCase => ({
  name,
  body,
  expect: { status: 400, error: 'invalid_json', message: /^body is not valid JSON$/ },
});
const schema = (name: string, body: string, path: string, endpoint = '/usage_data'): BadCase => ({
  name,
  path: endpoint,
  body,
  expect: { status: 422, error: 'schema', message: /^body failed validation$/, path },
});
const guard = (name: string, body: string, error: string, path: string): BadCase => ({
  name,
  body,
  expect: { status: 422, error, message: /^body failed validation$/, path },
});
const media = (
  name: string,
  body: string | Buffer,
  headers: Record<string, string>,
  what: RegExp,
): BadCase => ({
  name,
  body,
  headers,
  expect: { status: 415, error: 'unsupported_media_type', message: what },
});

const CONTENT_TYPE_MESSAGE = /^Content-Type must be application\/json$/;
const TOO_LARGE = { status: 413, error: 'too_large', message: new RegExp(`^body exceeds ${LIMIT} bytes$`) };

const BAD: BadCase[] = [
  // Not JSON at all.
  badJson('empty body', ''),
  badJson('truncated object', '{"uuid":'),
  badJson('trailing garbage', `${JSON.stringify(ping)}}`),
  badJson('single quotes', "{'uuid':'x'}"),
  badJson('trailing comma', '{"uuid":"x",}'),
  badJson('unquoted key', '{uuid:"x"}'),
  badJson('NaN literal', '{"uuid":NaN}'),
  badJson('comment', '{"uuid":"x" /* hi */}'),
  badJson('hex number', '{"active_user_count":0x10}'),
  badJson('raw newline inside a string', '{"uuid":"a\nb"}'),
  badJson('undefined', 'undefined'),
  badJson('binary noise', '\u0001\u0002\u0003\u00ff'),
  // Valid JSON, wrong shape.
  schema('array at the root', '[]', ''),
  schema('null at the root', 'null', ''),
  schema('number at the root', '42', ''),
  schema('string at the root', '"ping"', ''),
  schema('missing uuid', without('uuid'), '/uuid'),
  schema('missing hostname', without('hostname'), '/hostname'),
  schema('missing version', without('version'), '/version'),
  schema('missing recorded_at', without('recorded_at'), '/recorded_at'),
  schema('uuid is a number', withField('uuid', 7), '/uuid'),
  schema('uuid with spaces and quotes', withField('uuid', "x' OR '1'='1"), '/uuid'),
  schema('uuid of 65 characters', withField('uuid', 'a'.repeat(65)), '/uuid'),
  schema('empty hostname', withField('hostname', ''), '/hostname'),
  schema('hostname with markup', withField('hostname', '<script>alert(1)</script>'), '/hostname'),
  schema('version is words', withField('version', 'latest'), '/version'),
  schema('version is a number', withField('version', 17), '/version'),
  schema('recorded_at is prose', withField('recorded_at', 'yesterday'), '/recorded_at'),
  schema('recorded_at in year 1', withField('recorded_at', '0001-01-01T00:00:00Z'), '/recorded_at'),
  schema('recorded_at in year 9999', withField('recorded_at', '9999-01-01T00:00:00Z'), '/recorded_at'),
  schema('active_user_count is a string', withField('active_user_count', '12'), '/active_user_count'),
  schema('active_user_count is fractional', withField('active_user_count', 1.5), '/active_user_count'),
  schema('active_user_count below -1000', withField('active_user_count', -5000), '/active_user_count'),
  schema('active_user_count past 2^53', withField('active_user_count', 2 ** 60), '/active_user_count'),
  schema('license_md5 uppercase', withField('license_md5', 'A'.repeat(32)), '/license_md5'),
  schema('license_trial as text', withField('license_trial', 'yes'), '/license_trial'),
  schema('edition with markup', withField('edition', '<b>EE</b>'), '/edition'),
  schema('counts is an array', withCounts([1, 2]), '/counts'),
  schema('counts value is a string', withCounts({ issues: '3' }), '/counts/issues'),
  schema('counts value is null', withCounts({ issues: null }), '/counts/issues'),
  schema(
    'metadata without metrics',
    JSON.stringify({ metadata: { uuid: 'u' } }),
    '/metadata/metrics',
    '/usage_ping_metadata',
  ),
  schema(
    'metadata time_elapsed is text',
    JSON.stringify({ metadata: { uuid: 'u', metrics: [{ name: 'm', time_elapsed: 'slow' }] } }),
    '/metadata/metrics/0/time_elapsed',
    '/usage_ping_metadata',
  ),
  schema(
    'metadata metric with an extra field',
    JSON.stringify({ metadata: { uuid: 'u', metrics: [{ name: 'm', time_elapsed: 1, sql: 'DROP' }] } }),
    '/metadata/metrics/0',
    '/usage_ping_metadata',
  ),
  schema(
    'error report without time',
    JSON.stringify({ error: { ...errorReport, time: undefined } }),
    '/error/time',
    '/usage_ping_errors',
  ),
  schema(
    'error report with negative elapsed',
    JSON.stringify({ error: { ...errorReport, elapsed: -1 } }),
    '/error/elapsed',
    '/usage_ping_errors',
  ),
  // Parses, but is hostile.
  guard(
    '__proto__ at the root',
    `{"__proto__":{"polluted":true},${JSON.stringify(ping).slice(1)}`,
    'forbidden_key',
    '/__proto__',
  ),
  guard(
    '__proto__ inside counts',
    withCounts(JSON.parse('{"__proto__":{"isAdmin":1}}')),
    'forbidden_key',
    '/counts/__proto__',
  ),
  guard(
    'constructor key',
    withCounts({ constructor: { prototype: 1 } }),
    'forbidden_key',
    '/counts/constructor',
  ),
  guard('prototype key', withField('settings', { prototype: {} }), 'forbidden_key', '/settings/prototype'),
  guard(
    '1e999 (Infinity)',
    JSON.stringify(ping).replace('"issues":3', '"issues":1e999'),
    'non_finite_number',
    '/counts/issues',
  ),
  guard(
    '-1e999',
    JSON.stringify(ping).replace('"notes":9', '"notes":-1e999'),
    'non_finite_number',
    '/counts/notes',
  ),
  guard(
    'objects nested 40 deep',
    withField('deep', JSON.parse(nestedObjects(40))),
    'too_deep',
    `/deep${'/a'.repeat(31)}`,
  ),
  guard('arrays nested 5000 deep', `{"x":${nestedArrays(5000)}}`, 'too_deep', `/x${'/0'.repeat(31)}`),
  guard('NUL in a string', withField('hostname_note', 'a\u0000b'), 'invalid_string', '/hostname_note'),
  guard('lone surrogate', JSON.stringify(ping).replace('"CE"', '"\\ud800"'), 'invalid_string', '/edition'),
  guard('NUL in a key', withCounts({ 'a\u0000b': 1 }), 'invalid_string', '/counts/a\u0000b'),
  // Transport abuse.
  media('no content type', JSON.stringify(ping), {}, CONTENT_TYPE_MESSAGE),
  media('text/plain', JSON.stringify(ping), { 'content-type': 'text/plain' }, CONTENT_TYPE_MESSAGE),
  media(
    'form encoded',
    'uuid=x',
    { 'content-type': 'application/x-www-form-urlencoded' },
    CONTENT_TYPE_MESSAGE,
  ),
  media(
    'multipart',
    '--b\r\n\r\nx\r\n--b--',
    { 'content-type': 'multipart/form-data; boundary=b' },
    CONTENT_TYPE_MESSAGE,
  ),
  media(
    'application/jsonp lookalike',
    JSON.stringify(ping),
    { 'content-type': 'application/jsonx' },
    CONTENT_TYPE_MESSAGE,
  ),
  media(
    'brotli encoding',
    JSON.stringify(ping),
    { ...JSON_TYPE, 'content-encoding': 'br' },
    /^Content-Encoding must be gzip or identity$/,
  ),
  media(
    'deflate encoding',
    JSON.stringify(ping),
    { ...JSON_TYPE, 'content-encoding': 'deflate' },
    /^Content-Encoding must be gzip or identity$/,
  ),
  {
    name: 'gzip header on plain text',
    body: JSON.stringify(ping),
    headers: GZIP,
    expect: { status: 400, error: 'invalid_gzip', message: /^body is not valid gzip data$/ },
  },
  {
    name: 'truncated gzip',
    body: validGzip.subarray(0, validGzip.length - 12),
    headers: GZIP,
    expect: { status: 400, error: 'invalid_gzip', message: /^body is not valid gzip data$/ },
  },
  { name: 'gzip bomb (64 MiB inflated)', body: gzipBomb, headers: GZIP, expect: TOO_LARGE },
  { name: 'body over the limit', body: withField('filler', 'x'.repeat(LIMIT)), expect: TOO_LARGE },
  {
    name: 'Content-Length of 1 GiB declared',
    body: JSON.stringify(ping),
    headers: { ...JSON_TYPE, 'content-length': String(1024 ** 3) },
    expect: TOO_LARGE,
  },
];

describe('ingest abuse against a real Versions process', () => {
  it(`refuses ${BAD.length} bad bodies with a precise 4xx, stores every interleaved valid ping once, and stays healthy`, async () => {
    expect(BAD.length).toBeGreaterThanOrEqual(50);
    // Bad and valid requests alternate; four are in flight at once.
    type Step = { kind: 'bad'; c: BadCase } | { kind: 'good'; uuid: string; gzip: boolean };
    const steps: Step[] = BAD.flatMap((c, i): Step[] => [
      { kind: 'bad', c },
      { kind: 'good', uuid: `abuse-valid-${i}`, gzip: i % 3 === 0 },
    ]);
    const answers = await mapLimit(steps, 4, async (step): Promise<RawAnswer> => {
      if (step.kind === 'good') {
        const body = JSON.stringify(validPing(step.uuid));
        return step.gzip
          ? rawRequest(versions.url, { path: '/usage_data', headers: GZIP, body: gzipSync(body) })
          : postJson(versions.url, '/usage_data', body);
      }
      const headers: Record<string, string> = { ...(step.c.headers ?? JSON_TYPE) };
      // A lying Content-Length is sent with no body: the refusal must come from the header alone.
      return rawRequest(versions.url, {
        path: step.c.path ?? '/usage_data',
        headers,
        body: headers['content-length'] ? step.c.body.slice(0, 0) : step.c.body,
      });
    });

    const mismatches: string[] = [];
    steps.forEach((step, i) => {
      const answer = answers[i]!;
      if (answer.status >= 500) mismatches.push(`${label(step)}: ${answer.status} ${answer.text}`);
      if (step.kind === 'good') {
        if (answer.status !== 201) mismatches.push(`${label(step)}: ${answer.status} ${answer.text}`);
        return;
      }
      const { expect: want, name } = step.c;
      const got = answer.json as
        { error?: string; message?: string; errors?: Array<{ path: string }> } | undefined;
      if (
        answer.status !== want.status ||
        got?.error !== want.error ||
        !want.message.test(got?.message ?? '')
      ) {
        mismatches.push(`${name}: got ${answer.status} ${answer.text.slice(0, 200)}`);
      } else if (want.path !== undefined && !got.errors?.some((e) => e.path === want.path)) {
        mismatches.push(
          `${name}: errors do not name ${want.path}: ${JSON.stringify(got.errors).slice(0, 300)}`,
        );
      }
    });
    expect(mismatches).toEqual([]);

    const { rows } = await db.client.query<{ uuid: string; n: number }>(
      'SELECT uuid, count(*)::int AS n FROM usage_data GROUP BY uuid ORDER BY uuid',
    );
    expect(rows).toHaveLength(BAD.length);
    expect(rows.every((r) => r.uuid.startsWith('abuse-valid-') && r.n === 1)).toBe(true);
    const extras = await db.client.query(
      'SELECT (SELECT count(*) FROM usage_ping_metadata)::int AS metadata, (SELECT count(*) FROM usage_ping_errors)::int AS errors',
    );
    expect(extras.rows[0]).toEqual({ metadata: 0, errors: 0 });

    expect(versions.proc.alive()).toBe(true);
    const ready = await rawRequest(versions.url, { method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(200);
    const metrics = await rawRequest(versions.url, { method: 'GET', path: '/metrics' });
    expect(metrics.text).not.toMatch(/outcome="failed"\} [1-9]/);
  });

  it('answers 50 concurrent identical pings with one stored row and one usage_data_id', async () => {
    const body = JSON.stringify(validPing('concurrent-twin', '2026-11-19T08:00:00.000Z'));
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => postJson(versions.url, '/usage_data', body)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const ids = new Set(
      answers.map((a) => (a.json as { conv_index: { usage_data_id: number } }).conv_index.usage_data_id),
    );
    expect(ids.size).toBe(1);
    const { rows } = await db.client.query(
      "SELECT id::int, duplicate_count FROM usage_data WHERE uuid = 'concurrent-twin'",
    );
    expect(rows).toEqual([{ id: [...ids][0], duplicate_count: 49 }]);
    const scores = await db.client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM conversational_development_indices WHERE usage_data_id = $1',
      [[...ids][0]],
    );
    expect(scores.rows[0]!.n).toBe(1);
  });
});

describe('ingest rate limit', () => {
  it('answers 429 with Retry-After past the burst, per client, and never limits /healthz', async () => {
    const limitedDb = await createTempDatabase('ratelimit');
    const limited = await startVersionsProcess({
      name: 'versions-limited',
      databaseUrl: limitedDb.url,
      logDir: logs.dir,
      env: { VERSIONS_RATE_LIMIT_PER_MINUTE: '1', VERSIONS_RATE_LIMIT_BURST: '5' },
    });
    try {
      const answers = [];
      for (let i = 0; i < 8; i += 1)
        answers.push(await postJson(limited.url, '/usage_data', validPing(`limited-${i}`)));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
      expect(answers[5]!.json).toEqual({
        error: 'rate_limited',
        message: expect.stringMatching(/^too many requests; retry after \d+ s$/),
      });
      expect(Number(answers[5]!.headers['retry-after'])).toBeGreaterThan(0);
      // Bad bodies spend tokens too: a flood of garbage cannot bypass the limit.
      expect((await postJson(limited.url, '/usage_ping_errors', '{')).status).toBe(429);
      expect((await rawRequest(limited.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
      const { rows } = await limitedDb.client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM usage_data',
      );
      expect(rows[0]!.n).toBe(5);
    } finally {
      await limited.proc.stop();
      await limitedDb.drop();
    }
  });
});

function label(step: { kind: string; c?: BadCase; uuid?: string }): string {
  return step.kind === 'bad' ? `bad ${step.c?.name}` : `valid ${step.uuid}`;
}
