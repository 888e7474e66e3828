import { expect } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import {
  jsonObject,
  jsonObjects,
  makePayload,
  startVersions,
  type RunningVersions,
} from './versions-harness';

const LIMIT = 64 * 1024;
let svc: RunningVersions;

beforeAll(async () => {
  svc = await startVersions({ VERSIONS_BODY_LIMIT_BYTES: String(LIMIT) });
});
afterAll(async () => {
  await svc.close();
});

const good = makePayload({ uuid: 'bad-body-instance' });
const withField = (field: string, value: unknown) => JSON.stringify({ ...good, [field]: value });
const without = (...fields: string[]) =>
  JSON.stringify(Object.fromEntries(Object.entries(good).filter(([k]) => !fields.includes(k))));
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const goodError = {
  time: '2025-06-02T09:00:00Z',
  uuid: 'u-1',
  hostname: 'h',
  version: '16.0.0',
  message: 'm',
  elapsed: 1,
};

type Case = [
  name: string,
  endpoint: string,
  body: string | Buffer,
  headers: Record<string, string>,
  status: number,
  error: string,
  paths: string[],
];

const JSON_TYPE = { 'content-type': 'application/json' };
const GZIP = { ...JSON_TYPE, 'content-encoding': 'gzip' };

const cases: Case[] = [
  ['truncated JSON', '/usage_data', '{"uuid":', JSON_TYPE, 400, 'invalid_json', []],
  ['empty body', '/usage_data', '', JSON_TYPE, 400, 'invalid_json', []],
  ['trailing garbage', '/usage_data', `${JSON.stringify(good)}}`, JSON_TYPE, 400, 'invalid_json', []],
  ['single quotes', '/usage_data', "{'uuid':'x'}", JSON_TYPE, 400, 'invalid_json', []],
  ['array at the root', '/usage_data', '[]', JSON_TYPE, 422, 'schema', ['']],
  ['null at the root', '/usage_data', 'null', JSON_TYPE, 422, 'schema', ['']],
  [
    'text/plain',
    '/usage_data',
    JSON.stringify(good),
    { 'content-type': 'text/plain' },
    415,
    'unsupported_media_type',
    [],
  ],
  [
    'form encoded',
    '/usage_data',
    'uuid=x',
    { 'content-type': 'application/x-www-form-urlencoded' },
    415,
    'unsupported_media_type',
    [],
  ],
  [
    'brotli encoding',
    '/usage_data',
    JSON.stringify(good),
    { ...JSON_TYPE, 'content-encoding': 'br' },
    415,
    'unsupported_media_type',
    [],
  ],
  [
    'body over the limit',
    '/usage_data',
    withField('filler', 'x'.repeat(LIMIT)),
    JSON_TYPE,
    413,
    'too_large',
    [],
  ],
  [
    'gzip bomb: 10 MB of zeros inflating past the limit',
    '/usage_data',
    gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20)),
    GZIP,
    413,
    'too_large',
    [],
  ],
  [
    'gzip header but not gzip data',
    '/usage_data',
    Buffer.from('definitely not gzip'),
    GZIP,
    400,
    'invalid_gzip',
    [],
  ],
  [
    'empty object: every required field listed',
    '/usage_data',
    '{}',
    JSON_TYPE,
    422,
    'schema',
    ['/uuid', '/hostname', '/version', '/recorded_at'],
  ],
  ['missing uuid', '/usage_data', without('uuid'), JSON_TYPE, 422, 'schema', ['/uuid']],
  ['uuid is a number', '/usage_data', withField('uuid', 12345), JSON_TYPE, 422, 'schema', ['/uuid']],
  [
    'uuid carries SQL',
    '/usage_data',
    withField('uuid', "x'; DROP TABLE usage_data; --"),
    JSON_TYPE,
    422,
    'schema',
    ['/uuid'],
  ],
  [
    'recorded_at is not a timestamp',
    '/usage_data',
    withField('recorded_at', 'yesterday'),
    JSON_TYPE,
    422,
    'schema',
    ['/recorded_at'],
  ],
  [
    'recorded_at in year 0',
    '/usage_data',
    withField('recorded_at', '0000-01-01T00:00:00Z'),
    JSON_TYPE,
    422,
    'schema',
    ['/recorded_at'],
  ],
  [
    'version is not x.y.z',
    '/usage_data',
    withField('version', 'latest'),
    JSON_TYPE,
    422,
    'schema',
    ['/version'],
  ],
  [
    'hostname with markup',
    '/usage_data',
    withField('hostname', '<script>alert(1)</script>'),
    JSON_TYPE,
    422,
    'schema',
    ['/hostname'],
  ],
  ['edition with digits', '/usage_data', withField('edition', 'EE9'), JSON_TYPE, 422, 'schema', ['/edition']],
  [
    'active_user_count is text',
    '/usage_data',
    withField('active_user_count', '10'),
    JSON_TYPE,
    422,
    'schema',
    ['/active_user_count'],
  ],
  [
    'active_user_count is fractional',
    '/usage_data',
    withField('active_user_count', 1.5),
    JSON_TYPE,
    422,
    'schema',
    ['/active_user_count'],
  ],
  [
    'license_md5 is not hex',
    '/usage_data',
    withField('license_md5', 'z'.repeat(32)),
    JSON_TYPE,
    422,
    'schema',
    ['/license_md5'],
  ],
  [
    'license_expires_at is 30 February',
    '/usage_data',
    withField('license_expires_at', '2020-02-30'),
    JSON_TYPE,
    422,
    'schema',
    ['/license_expires_at'],
  ],
  ['counts is an array', '/usage_data', withField('counts', [1, 2]), JSON_TYPE, 422, 'schema', ['/counts']],
  [
    'a count is a string',
    '/usage_data',
    withField('counts', { issues: 'many' }),
    JSON_TYPE,
    422,
    'schema',
    ['/counts/issues'],
  ],
  [
    'two schema problems at once',
    '/usage_data',
    JSON.stringify({ ...good, version: 'x', active_user_count: 'y' }),
    JSON_TYPE,
    422,
    'schema',
    ['/version', '/active_user_count'],
  ],
  [
    '__proto__ at the root',
    '/usage_data',
    `{"__proto__":{"polluted":1},${JSON.stringify(good).slice(1)}`,
    JSON_TYPE,
    422,
    'forbidden_key',
    ['/__proto__'],
  ],
  [
    'constructor inside counts',
    '/usage_data',
    withField('counts', { constructor: { prototype: { x: 1 } } }),
    JSON_TYPE,
    422,
    'forbidden_key',
    ['/counts/constructor'],
  ],
  [
    'prototype deep inside a stage',
    '/usage_data',
    withField('usage_activity_by_stage', { plan: { prototype: 1 } }),
    JSON_TYPE,
    422,
    'forbidden_key',
    ['/usage_activity_by_stage/plan/prototype'],
  ],
  [
    'a number that overflows to Infinity',
    '/usage_data',
    JSON.stringify(good).replace('"issues":32', '"issues":1e999'),
    JSON_TYPE,
    422,
    'non_finite_number',
    ['/counts/issues'],
  ],
  [
    '40 levels of nesting',
    '/usage_data',
    withField('deep', JSON.parse(nested(40))),
    JSON_TYPE,
    422,
    'too_deep',
    [],
  ],
  [
    'NUL inside the hostname',
    '/usage_data',
    withField('hostname', 'host\u0000name'),
    JSON_TYPE,
    422,
    'invalid_string',
    ['/hostname'],
  ],
  [
    'a lone surrogate in a metric key',
    '/usage_data',
    JSON.stringify(good).replace('"issues"', '"\\udc00issues"'),
    JSON_TYPE,
    422,
    'invalid_string',
    [],
  ],
  [
    'metadata without metadata',
    '/usage_ping_metadata',
    '{"uuid":"u-1"}',
    JSON_TYPE,
    422,
    'schema',
    ['/metadata'],
  ],
  [
    'metadata metric without time_elapsed',
    '/usage_ping_metadata',
    JSON.stringify({ metadata: { uuid: 'u-1', metrics: [{ name: 'a' }] } }),
    JSON_TYPE,
    422,
    'schema',
    ['/metadata/metrics/0/time_elapsed'],
  ],
  [
    'metadata with a negative time',
    '/usage_ping_metadata',
    JSON.stringify({ metadata: { uuid: 'u-1', metrics: [{ name: 'a', time_elapsed: -1 }] } }),
    JSON_TYPE,
    422,
    'schema',
    ['/metadata/metrics/0/time_elapsed'],
  ],
  [
    'metadata metric with an unknown field',
    '/usage_ping_metadata',
    JSON.stringify({ metadata: { uuid: 'u-1', metrics: [{ name: 'a', time_elapsed: 1, sql: 'x' }] } }),
    JSON_TYPE,
    422,
    'schema',
    ['/metadata/metrics/0'],
  ],
  [
    'error report missing message and elapsed',
    '/usage_ping_errors',
    JSON.stringify({ error: { ...goodError, message: undefined, elapsed: undefined } }),
    JSON_TYPE,
    422,
    'schema',
    ['/error/message', '/error/elapsed'],
  ],
  [
    'error report with a bad time',
    '/usage_ping_errors',
    JSON.stringify({ error: { ...goodError, time: 'now' } }),
    JSON_TYPE,
    422,
    'schema',
    ['/error/time'],
  ],
  [
    'error report as text/xml',
    '/usage_ping_errors',
    '<error/>',
    { 'content-type': 'text/xml' },
    415,
    'unsupported_media_type',
    [],
  ],
];

describe('refused ingest bodies', () => {
  it.each(cases)('%s → %s', async (_name, endpoint, body, headers, status, error, paths) => {
    const res = await fetch(`${svc.baseUrl}${endpoint}`, { method: 'POST', headers, body });
    const answer = jsonObject(await res.json());
    expect(res.status).toBe(status);
    expect(answer.error).toBe(error);
    expect(typeof answer.message).toBe('string');
    if (paths.length > 0)
      expect(jsonObjects(answer.errors).map((e) => e.path)).toEqual(expect.arrayContaining(paths));
  });

  it('wrote nothing for any of them', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const table of [
      'instances',
      'usage_data',
      'usage_ping_metadata',
      'usage_ping_metric_timings',
      'usage_ping_errors',
    ]) {
      const [row] = await svc.versions.db(table).count<{ count: string }[]>({ count: '*' });
      expect(`${table}: ${row?.count}`).toBe(`${table}: 0`);
    }
    // The prototype of plain objects is untouched by the __proto__ body.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still accepts a good body afterwards', async () => {
    const res = await fetch(`${svc.baseUrl}/usage_data`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify(good),
    });
    expect(res.status).toBe(201);
  });
});
