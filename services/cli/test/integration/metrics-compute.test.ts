/**
 * `servping metrics compute` end to end: a real dictionary directory, a real instance database
 * and real Redis keys, through `runCli` as an operator runs it.
 */
import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { counterKey, hllKey } from '@servping/shared';
import { runCaptured } from '../support/captured-io';
import { postgresUrl, redisUrl, testPostgres, testRedis } from '@servping/test-servers';

// The CLI cannot take a key prefix, so every Redis name carries this file's own suffix instead.
const suffix = randomBytes(5).toString('hex');
const dbName = `metrics_compute_${suffix}`;
const event = `i_cli_test_${suffix}`;
const pushesKey = counterKey({ event: `pushes_${suffix}`, prefix: 'source_code' });
const recordedAt = '2024-03-06T12:00:00Z';
const env = {
  INSTANCE_DATABASE_URL: postgresUrl(dbName),
  REDIS_URL: redisUrl(),
  SERVPING_INSTANCE_UUID: '11111111-2222-4333-8444-555555555555',
};

const HEADER = `product_group: project_management
value_type: number
milestone: "17.0"
introduced_by_url: https://gitlab.example/mr/1
data_category: optional
tiers: [free]
`;
const definition = (keyPath: string, body: string, status = 'active') =>
  `key_path: ${keyPath}\ndescription: ${keyPath}\nstatus: ${status}\n${HEADER}${body}`;

const FILES: Record<string, string> = {
  'counts_all/issues.yml': definition(
    'counts.issues',
    'time_frame: all\ndata_source: database\noptions: { operation: count, table: issues }\n',
  ),
  'counts_all/authors.yml': definition(
    'counts.issue_authors',
    'time_frame: all\ndata_source: database\noptions: { operation: estimate_distinct_count, table: issues, column: author_id }\n',
  ),
  'counts_all/assignees.yml': definition(
    'counts.issue_assignees',
    'time_frame: all\ndata_source: database\noptions: { operation: estimate_distinct_count, table: issues, column: assignee_id }\n',
  ),
  'counts_all/people.yml': definition(
    'counts.issue_people',
    `time_frame: all\ndata_source: database\ninstrumentation_class: AggregatedMetric
options:
  aggregate: { operator: OR, attribute: user_id }
  events: [counts.issue_authors, counts.issue_assignees]
`,
  ),
  'counts_all/pushes.yml': definition(
    'counts.pushes',
    `time_frame: all\ndata_source: redis\ninstrumentation_class: RedisMetric\noptions: { event: pushes_${suffix}, prefix: source_code }\n`,
  ),
  'counts_all/total.yml': definition(
    'counts.total',
    'time_frame: all\ndata_source: database\ninstrumentation_class: NumbersMetric\noptions: { operation: add, metrics: [counts.issues, counts.pushes] }\n',
  ),
  'counts_28d/users.yml': definition(
    'redis_hll_counters.cli_users_monthly',
    `time_frame: 28d\ndata_source: redis_hll\ninstrumentation_class: RedisHLLMetric\noptions: { events: [${event}] }\n`,
  ),
  'counts_all/old.yml': definition(
    'counts.old',
    'time_frame: all\ndata_source: database\noptions: { operation: count, table: issues }\n',
    'deprecated',
  ),
  'counts_all/slow.yml': definition(
    'counts.slow',
    'time_frame: all\ndata_source: database\noptions: { operation: count, table: issues, where_sql: "pg_sleep(5) IS NOT NULL" }\n',
  ),
};

const run = (args: string[]) => runCaptured(args, env);

let root: string;
const admin = new Client({ ...testPostgres, database: 'test' });
const redis = new Redis({ ...testRedis, lazyConnect: true });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'servping-metrics-compute-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const setup = new Client({ ...testPostgres, database: dbName });
  await setup.connect();
  await setup.query(
    'CREATE TABLE issues (id bigserial PRIMARY KEY, author_id int, assignee_id int, created_at timestamptz NOT NULL DEFAULT now())',
  );
  await setup.query(
    'INSERT INTO issues (author_id, assignee_id) VALUES (1, 2), (1, 3), (2, 3), (2, NULL), (1, NULL)',
  );
  await setup.end();
  await redis.connect();
  await redis.set(pushesKey, '42');
  // Two users 3 days before the run (the previous complete ISO week), one in the run's own week.
  await redis.pfadd(hllKey(event, new Date('2024-03-03T12:00:00Z')), 'u1', 'u2');
  await redis.pfadd(hllKey(event, new Date(recordedAt)), 'u3');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  const keys = await redis.keys(`*${suffix}*`);
  const all = [...keys, ...(await redis.keys(`*${suffix.toUpperCase()}*`))];
  if (all.length > 0) await redis.del(...all);
  await redis.quit();
});

describe('servping metrics compute', () => {
  it('computes the selected metrics and their inputs, printing {key_path: value} as JSON', async () => {
    const result = await run([
      'metrics',
      'compute',
      '--definitions',
      root,
      '--json',
      '--recorded-at',
      recordedAt,
      '--key-path',
      'counts.total',
      '--key-path',
      'counts.issue_people',
      '--key-path',
      'redis_hll_counters.cli_users_monthly',
      '--key-path',
      'counts.old',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      'counts.total': 47,
      'counts.issue_people': 3,
      'redis_hll_counters.cli_users_monthly': 2,
      'counts.old': -1000,
    });
  });

  it('with --timings reports seconds and the error of a metric that hit its deadline', async () => {
    const result = await run([
      'metrics',
      'compute',
      '--definitions',
      root,
      '--json',
      '--timings',
      '--deadline-s',
      '0.3',
      '--key-path',
      'counts.slow',
      '--key-path',
      'counts.issues',
    ]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<
      string,
      { value: unknown; time_elapsed: number; error?: string }
    >;
    expect(out['counts.slow']).toMatchObject({ value: -1, error: 'deadline exceeded after 0.3 s' });
    expect(out['counts.slow']!.time_elapsed).toBeLessThan(2);
    expect(out['counts.issues']).toEqual({ value: 5, time_elapsed: expect.any(Number) });
  });

  it('prints one line per metric without --json', async () => {
    const result = await run(['metrics', 'compute', '--definitions', root, '--key-path', 'counts.pushes']);
    expect(result.stdout).toBe('counts.pushes  42\n');
  });

  it('names unknown key paths as a usage error', async () => {
    const result = await run(['metrics', 'compute', '--definitions', root, '--key-path', 'counts.nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key_path: counts.nope');
  });
});
