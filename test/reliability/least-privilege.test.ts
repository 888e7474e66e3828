/**
 * Least privilege, end to end through real processes: the counting engine (built CLI, the same
 * computeMetric + InstanceDbRepository the workers run) cannot write even through a superuser URL
 * and even when a definition tries to switch its session out of read-only mode; identifiers in
 * definitions cannot carry SQL; the collector's admin, export and tracking APIs refuse missing,
 * wrong and under-scoped tokens; event tracking refuses unknown events and oversized batches.
 */
import { expect } from '@jest/globals';
import {
  ADMIN_TOKEN,
  READER_TOKEN,
  TRACKER_TOKEN,
  collectorEnvironment,
  startCollectorProcess,
  type CollectorEnvironment,
} from './support/collector-process';
import { countOf, definition, dictionaryDir } from './support/dictionary-files';
import { jsonField, rawRequest } from './support/http-client';
import { keysMatching } from './support/redis-keys';
import { logDirectory, runCli, type ServiceProcess } from './support/service-process';

const logs = logDirectory('privilege');
let env: CollectorEnvironment;
let collector: { proc: ServiceProcess; url: string };
const EVENT = `i_reliability_known_${process.pid}`;

beforeAll(async () => {
  env = await collectorEnvironment('privilege', logs.dir);
  await env.instanceDb.client.query(`
    CREATE TABLE issues (id bigint PRIMARY KEY, title text);
    INSERT INTO issues (id) SELECT generate_series(1, 5000);
    CREATE TABLE users (id bigint PRIMARY KEY);
    INSERT INTO users VALUES (1), (2);
    CREATE SEQUENCE reliability_seq;
  `);
  await env.dictionary.write({
    'counts_all/issues.yml': countOf('counts.issues', 'issues'),
    'counts_7d/known_event.yml': definition({
      key_path: `redis_hll_counters.reliability.${EVENT}_weekly`,
      time_frame: '7d',
      data_source: 'redis_hll',
      instrumentation_class: 'RedisHLLMetric',
      options: { events: [EVENT] },
    }),
  });
  // This suite sends wrong tokens on purpose, route after route; the failed-auth limit has its own
  // test (wire-security), and here it would answer 429 before the check under test.
  collector = await startCollectorProcess(env, { COLLECTOR_AUTH_FAILURE_LIMIT: '0' });
});

afterAll(async () => {
  await collector?.proc.stop();
  await env?.close();
  logs.remove();
});

async function sequenceUntouched(): Promise<boolean> {
  const { rows } = await env.instanceDb.client.query<{ last_value: string; is_called: boolean }>(
    'SELECT last_value, is_called FROM reliability_seq',
  );
  return rows[0]!.last_value === '1' && rows[0]!.is_called === false;
}

describe('the counting connection cannot write', () => {
  it('fails a writing definition to -1, and a set_config escape never reaches a write, through a superuser URL', async () => {
    const dict = await dictionaryDir('writers');
    try {
      await dict.write({
        'issues.yml': countOf('counts.issues', 'issues'),
        'nextval.yml': countOf('counts.direct_write', 'issues', {
          where_sql: "nextval('reliability_seq') > 0",
        }),
        'large_object.yml': countOf('counts.large_object', 'issues', { where_sql: 'lo_create(0) > 0' }),
        // Batch 1 switches the pooled session to read-write; later batches would write.
        'escape.yml': countOf('counts.escape', 'issues', {
          batch_size: 1300,
          where_sql:
            "CASE WHEN current_setting('transaction_read_only') = 'on' " +
            "THEN set_config('default_transaction_read_only', 'off', false) IS NOT NULL " +
            "ELSE nextval('reliability_seq') > 0 END",
        }),
        'after.yml': countOf('counts.after_escape', 'issues', {
          where_sql: "nextval('reliability_seq') > 0",
        }),
      });
      // One connection at a time, so every statement reuses the session the escape tampered with.
      const result = await runCli(
        ['metrics', 'compute', '--definitions', dict.dir, '--json', '--timings', '--concurrency', '1'],
        { INSTANCE_DATABASE_URL: env.instanceDb.url, REDIS_URL: env.env.REDIS_URL! },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const values = JSON.parse(result.stdout) as Record<string, { value: number; error?: string }>;
      expect(values['counts.issues']).toEqual({ value: 5000, time_elapsed: expect.any(Number) });
      for (const key of ['counts.direct_write', 'counts.after_escape']) {
        expect([key, values[key]]).toEqual([
          key,
          {
            value: -1,
            time_elapsed: expect.any(Number),
            error: expect.stringMatching(/read-only transaction/),
          },
        ]);
      }
      // The escape's CASE never took the write branch: every batch still ran read-only.
      expect(values['counts.escape']?.value).toBe(5000);
      expect(await sequenceUntouched()).toBe(true);
      // PostgreSQL before 18 lets lo_create() run in a read-only transaction, and only the
      // per-batch rollback keeps the 5000 large objects it made from being committed; 18 refuses
      // it like any other write (the embedded server of a machine without PostgreSQL is 18).
      const version = await env.instanceDb.client.query<{ n: number }>(
        "SELECT current_setting('server_version_num')::int AS n",
      );
      if (version.rows[0]!.n >= 180000) {
        expect(values['counts.large_object']).toEqual({
          value: -1,
          time_elapsed: expect.any(Number),
          error: expect.stringMatching(/read-only transaction/),
        });
      } else {
        expect(values['counts.large_object']?.value).toBe(5000);
      }
      const objects = await env.instanceDb.client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_largeobject_metadata',
      );
      expect(objects.rows[0]!.n).toBe(0);
    } finally {
      await dict.destroy();
    }
  });

  it('refuses identifiers that carry SQL at load time, naming file and field, before any statement runs', async () => {
    const dict = await dictionaryDir('injection');
    try {
      await dict.write({
        'table.yml': countOf('counts.table', 'issues; DROP TABLE users; --'),
        'column.yml': definition({
          key_path: 'counts.column',
          data_source: 'database',
          options: { operation: 'distinct_count', table: 'issues', column: 'id") FROM users; --' },
        }),
        'filter.yml': countOf('counts.filter', 'issues', {
          filters: [{ column: 'title" IS NULL OR 1=1 OR "x', operator: 'eq', value: 'a' }],
        }),
        'where_sql.yml': countOf('counts.where_sql', 'issues', { where_sql: 'true; DROP TABLE users' }),
      });
      const result = await runCli(['metrics', 'compute', '--definitions', dict.dir, '--json'], {
        INSTANCE_DATABASE_URL: env.instanceDb.url,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      for (const file of ['table.yml', 'column.yml', 'filter.yml', 'where_sql.yml']) {
        expect(result.stderr).toMatch(new RegExp(`^${file.replace('.', '\\.')} .*: `, 'm'));
      }
      const { rows } = await env.instanceDb.client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM users',
      );
      expect(rows[0]!.n).toBe(2);
    } finally {
      await dict.destroy();
    }
  });
});

type Token = 'none' | 'wrong' | 'reader' | 'tracker' | 'admin';
const TOKENS: Record<Exclude<Token, 'none'>, string> = {
  wrong: 'not-a-configured-token',
  reader: READER_TOKEN,
  tracker: TRACKER_TOKEN,
  admin: ADMIN_TOKEN,
};
const call = (method: string, path: string, token: Token, body?: unknown, scheme = 'private') => {
  const headers: Record<string, string> = {};
  if (token !== 'none') {
    const value = TOKENS[token];
    if (scheme === 'private') headers['private-token'] = value;
    else if (scheme === 'bearer') headers.authorization = `Bearer ${value}`;
    else headers.authorization = `Basic ${Buffer.from(`user:${value}`).toString('base64')}`;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  return rawRequest(collector.url, {
    method,
    path,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
};

/** [method, path, body, the scope it needs]: every protected route of the collector. */
const PROTECTED: Array<[string, string, unknown, 'admin' | 'read_service_ping' | 'api']> = [
  ['POST', '/api/v1/runs', { submit: false }, 'admin'],
  ['GET', '/api/v1/runs', undefined, 'admin'],
  ['GET', '/api/v1/runs/run-1', undefined, 'admin'],
  ['GET', '/api/v1/preview', undefined, 'admin'],
  ['GET', '/api/v1/settings', undefined, 'admin'],
  ['PATCH', '/api/v1/settings', { enabled: false }, 'admin'],
  ['GET', '/api/v4/usage_data/queries', undefined, 'admin'],
  ['GET', '/api/v4/usage_data/non_sql_metrics', undefined, 'admin'],
  ['GET', '/api/v4/usage_data/service_ping', undefined, 'read_service_ping'],
  ['POST', '/api/v4/usage_data/track_event', { event: EVENT }, 'api'],
  ['POST', '/api/v4/usage_data/track_events', { events: [{ event: EVENT }] }, 'api'],
  ['POST', '/api/v4/usage_data/increment_counter', { event: 'reliability_pushes' }, 'api'],
  ['POST', '/api/v4/usage_data/increment_unique_users', { event: EVENT }, 'api'],
  ['GET', '/admin/queues', undefined, 'admin'],
];
const HOLDERS: Record<'admin' | 'read_service_ping' | 'api', Token[]> = {
  admin: ['admin'],
  read_service_ping: ['reader', 'admin'],
  api: ['tracker', 'admin'],
};

describe('collector API tokens', () => {
  it('answers 401 without or with a wrong token and 403 with an under-scoped one, on every protected route, changing nothing', async () => {
    const wrongAnswers: string[] = [];
    for (const [method, path, body, scope] of PROTECTED) {
      for (const token of ['none', 'wrong', 'reader', 'tracker'] as Token[]) {
        if (HOLDERS[scope].includes(token)) continue;
        for (const scheme of token === 'none' ? ['private'] : ['private', 'bearer', 'basic']) {
          const answer = await call(method, path, token, body, scheme);
          const want = token === 'none' || token === 'wrong' ? 401 : 403;
          const message = want === 401 ? '401 Unauthorized' : '403 Forbidden';
          if (answer.status !== want || jsonField(answer, 'message') !== message)
            wrongAnswers.push(
              `${method} ${path} as ${token}/${scheme}: ${answer.status} ${answer.text.slice(0, 120)}`,
            );
          if (want === 403 && jsonField(answer, 'error') !== `the token lacks the ${scope} scope`)
            wrongAnswers.push(`${method} ${path} as ${token}: 403 does not name ${scope}`);
        }
      }
    }
    expect(wrongAnswers).toEqual([]);
    // None of the refused requests started a run, changed a setting or tracked anything.
    const runs = await env.servpingDb.client.query<{ n: number }>('SELECT count(*)::int AS n FROM runs');
    expect(runs.rows[0]!.n).toBe(0);
    const settings = await call('GET', '/api/v1/settings', 'admin');
    expect(jsonField(settings, 'enabled')).toBe(true);
    expect(await keysMatching(env.redis, `*${EVENT}*`)).toEqual([]);
    expect(await keysMatching(env.redis, '*RELIABILITY_PUSHES*')).toEqual([]);
  });

  it('lets each scope through where it is needed (admin implies every scope)', async () => {
    const reads: Array<[string, Token]> = [
      ['/api/v4/usage_data/service_ping', 'reader'],
      ['/api/v4/usage_data/service_ping', 'admin'],
      ['/api/v4/usage_data/queries', 'admin'],
      ['/api/v1/settings', 'admin'],
    ];
    for (const [path, token] of reads)
      expect([path, (await call('GET', path, token)).status]).toEqual([path, 200]);
    // The dictionary is public documentation, as in GitLab: no token needed.
    expect((await call('GET', '/api/v4/usage_data/metric_definitions', 'none')).status).toBe(200);
  });
});

describe('event tracking', () => {
  it('refuses an unknown event by name and a batch over 50 events, writing nothing', async () => {
    const unknown = await call('POST', '/api/v4/usage_data/track_event', 'tracker', {
      event: 'i_no_such_event',
    });
    expect(unknown.status).toBe(422);
    expect(jsonField(unknown, 'message')).toMatch(/^unknown event 'i_no_such_event'/);

    // One unknown name in a batch: the known ones before it are not tracked either.
    const mixed = await call('POST', '/api/v4/usage_data/track_events', 'tracker', {
      events: [{ event: EVENT, user_id: 1 }, { event: 'i_no_such_event' }],
    });
    expect(mixed.status).toBe(422);
    expect(jsonField(mixed, 'message')).toMatch(/^unknown event 'i_no_such_event'/);

    const oversized = await call('POST', '/api/v4/usage_data/track_events', 'tracker', {
      events: Array.from({ length: 51 }, (_, i) => ({ event: EVENT, user_id: i })),
    });
    expect(oversized.status).toBe(400);
    expect(jsonField(oversized, 'message')).toBe('Maximum 50 events allowed in one request.');

    const extraField = await call('POST', '/api/v4/usage_data/track_event', 'tracker', {
      event: EVENT,
      __proto__: { admin: true },
      sql: 'DROP TABLE users',
    });
    expect(extraField.status).toBe(400);
    expect(await keysMatching(env.redis, `*${EVENT}*`)).toEqual([]);

    const huge = await rawRequest(collector.url, {
      path: '/api/v4/usage_data/track_event',
      headers: { 'content-type': 'application/json', 'private-token': TRACKER_TOKEN },
      body: JSON.stringify({ event: EVENT, additional_properties: { blob: 'x'.repeat(100_000) } }),
    });
    expect(huge.status).toBe(413);

    // The limit is 50: exactly 50 known events are accepted.
    const fifty = await call('POST', '/api/v4/usage_data/track_events', 'tracker', {
      events: Array.from({ length: 50 }, (_, i) => ({ event: EVENT, user_id: i })),
    });
    expect(fifty.status).toBe(200);
    expect(fifty.json).toEqual({ tracked: 50 });
    const keys = await keysMatching(env.redis, `*${EVENT}*`);
    expect(keys).toHaveLength(1);
    expect(await env.redis.pfcount(keys[0]!)).toBe(50);
    await env.redis.del(...keys);
  });
});
