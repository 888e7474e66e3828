import { scheduleCron, type JobDataByName } from '@servping/shared';
import { aggregateJobId } from '@servping/collector';
import { ADMIN_TOKEN, READER_TOKEN, startHarness, type ErrorAnswer, type Harness } from './collector-harness';

let h: Harness;

/** What a run trigger answers: the started run, or the refusal naming the running one. */
interface TriggerAnswer {
  runId: string;
  message?: string;
}

const definitions = (suffix: string): [string, Record<string, unknown>][] => [
  [
    'counts_all/issues.yml',
    { key_path: 'counts.issues', data_source: 'database', options: { operation: 'count', table: 'issues' } },
  ],
  [
    'counts_all/events.yml',
    {
      key_path: 'counts.events',
      data_source: 'database',
      options: { operation: 'count', table: 'events', batch_size: 2000 },
    },
  ],
  [
    'counts_all/pushes.yml',
    {
      key_path: 'counts.pushes',
      data_source: 'redis',
      instrumentation_class: 'RedisMetric',
      options: { event: `pushes_${suffix}`, prefix: null },
    },
  ],
  [
    'counts_all/total.yml',
    {
      key_path: 'counts.total',
      data_source: 'database',
      instrumentation_class: 'NumbersMetric',
      options: { operation: 'add', metrics: ['counts.issues', 'counts.events'] },
    },
  ],
  [
    'counts_all/old.yml',
    {
      key_path: 'counts.old',
      status: 'deprecated',
      data_source: 'database',
      options: { operation: 'count', table: 'issues' },
    },
  ],
  [
    'counts_all/gone.yml',
    {
      key_path: 'counts.gone',
      status: 'removed',
      milestone_removed: '16.5',
      removed_by_url: 'https://example.com/merge_requests/2',
      data_source: 'database',
      options: { operation: 'count', table: 'issues' },
    },
  ],
];

const post = (token: string | undefined, path: string, body: unknown = {}) =>
  h.fetchAs(token, path, { method: 'POST', body: JSON.stringify(body) });

async function jobCount(queue: 'metrics' | 'shards' | 'aggregate'): Promise<number> {
  const counts = await h.collector.queues[queue].getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function runJobIds(): Promise<string[]> {
  const jobs = await h.collector.queues.runs.getJobs();
  return jobs.map((j) => j.id ?? '').filter((id) => id.startsWith('run-'));
}

/** Ends whatever run is active, as the aggregator would, so the next test can start one. */
const finishActiveRuns = () =>
  h.sql.query(
    `UPDATE runs SET state = 'finished', finished_at = now() WHERE state IN ('planned', 'running')`,
  );

beforeAll(async () => {
  // 4 000 rows per shard: the 20 000-row events table gets 5 shards, issues (3 rows) none.
  h = await startHarness('runs', { SERVPING_SHARD_ROWS: '4000' });
  await h.sql.query('CREATE TABLE issues (id bigserial PRIMARY KEY, created_at timestamptz DEFAULT now())');
  await h.sql.query('INSERT INTO issues (created_at) SELECT now() FROM generate_series(1, 3)');
  await h.sql.query('CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz DEFAULT now())');
  await h.sql.query('INSERT INTO events (id) SELECT g FROM generate_series(1, 20000) g');
  await h.sql.query('ANALYZE issues; ANALYZE events');
  for (const [file, fields] of definitions(h.suffix)) await h.writeDefinition(file, fields);
});

afterAll(async () => {
  await h?.close();
});

afterEach(async () => {
  await finishActiveRuns();
});

describe('the weekly schedule', () => {
  it('is a job scheduler on the runs queue with the cron derived from the instance uuid', async () => {
    const settings = await h.collector.settings.get();
    const scheduler = await h.collector.queues.runs.getJobScheduler('service-ping-weekly');
    expect(scheduler?.pattern).toBe(scheduleCron(settings.uuid));
    expect(scheduler?.tz).toBe('UTC');
  });
});

describe('POST /api/v1/runs', () => {
  it('answers 401 without a token, 401 with a wrong one and 403 for a token without the admin scope', async () => {
    expect((await post(undefined, '/api/v1/runs')).status).toBe(401);
    expect((await post('nope', '/api/v1/runs')).status).toBe(401);
    expect((await post(READER_TOKEN, '/api/v1/runs')).status).toBe(403);
    expect(await runJobIds()).toEqual([]);
  });

  it('answers 400 for a body the schema refuses', async () => {
    const res = await post(ADMIN_TOKEN, '/api/v1/runs', { submit: 'yes' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorAnswer).message).toContain('/submit must be boolean');
  });

  it('plans one flow: aggregate parent, one job per computed metric, shards under the big table, deferred in the parent', async () => {
    const res = await post(ADMIN_TOKEN, '/api/v1/runs', { submit: false });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    expect(runId).toMatch(/^run-\d+$/);
    expect(await h.waitForRunJob(runId)).toBe('completed');

    const aggregate = await h.collector.queues.aggregate.getJob(`${runId}-aggregate`);
    expect(aggregate?.name).toBe('aggregate-run');
    const aggregateData = aggregate?.data as JobDataByName['aggregate-run'] | undefined;
    expect(aggregateData?.submit).toBe(false);
    expect(aggregateData?.deferred.map((m) => m.keyPath).sort()).toEqual(['counts.old', 'counts.total']);
    const deps = await aggregate!.getDependencies();
    expect(deps.unprocessed?.map((k) => k.slice(k.lastIndexOf(':') + 1)).sort()).toEqual([
      `${runId}-m-0`,
      `${runId}-m-1`,
      `${runId}-m-2`,
    ]);
    // Database metrics on `metrics`, the Redis counter on `light`.
    const metricJobs = await Promise.all(
      [0, 1, 2].map(
        async (i) =>
          (await h.collector.queues.metrics.getJob(`${runId}-m-${i}`)) ??
          (await h.collector.queues.light.getJob(`${runId}-m-${i}`)),
      ),
    );
    // The light queue's jobs carry the same data less shards and pass.
    const metricData = metricJobs.map((j) => j!.data as JobDataByName['compute-metric']);
    const byKeyPath = Object.fromEntries(metricData.map((d) => [d.metric.keyPath, d]));
    expect(Object.keys(byKeyPath).sort()).toEqual(['counts.events', 'counts.issues', 'counts.pushes']);
    expect(byKeyPath['counts.issues']!.shards).toBeUndefined();
    // 20 000 ids, 4 000 rows per shard: 5 shards, cut at pg_stats quantiles of events.id, bounds
    // as decimal text (ids reach 2⁶³ − 1). Contiguous over [1, 20 001), about 4 000 rows each.
    const shards = byKeyPath['counts.events']!.shards!;
    expect(shards).toHaveLength(5);
    expect(shards[0]!.start).toBe('1');
    expect(shards.at(-1)!.finish).toBe('20001');
    for (const [i, shard] of shards.entries()) {
      if (i > 0) expect(shard.start).toBe(shards[i - 1]!.finish);
      const { rows } = await h.sql.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM events WHERE id >= $1 AND id < $2',
        [shard.start, shard.finish],
      );
      expect(Math.abs(Number(rows[0]!.n) - 4000)).toBeLessThanOrEqual(250);
    }
    expect(await jobCount('shards')).toBe(5);
    expect(metricData[0]!.recordedAt).toBe(aggregateData!.recordedAt);

    const view = (await (await h.fetchAs(ADMIN_TOKEN, `/api/v1/runs/${runId}`)).json()) as {
      perMetric: unknown[];
    };
    expect(view).toMatchObject({
      id: runId,
      state: 'running',
      submit: false,
      metrics: { total: 5, done: 0, pending: 5 },
      shards: 5,
      aggregate: 'waiting-children',
      source: 'flow',
    });
    expect(view.perMetric).toHaveLength(3);
    const list = (await (await h.fetchAs(ADMIN_TOKEN, '/api/v1/runs')).json()) as { runs: unknown[] };
    expect(list.runs[0]).toMatchObject({ id: runId, state: 'running' });
  });

  it('starts one run for two simultaneous triggers; the other answers 409 with the running id', async () => {
    const answers = await Promise.all([post(ADMIN_TOKEN, '/api/v1/runs'), post(ADMIN_TOKEN, '/api/v1/runs')]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 409]);
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as TriggerAnswer[];
    const started = bodies.find((b) => b.message === undefined)!.runId;
    const refused = bodies.find((b) => b.message !== undefined)!;
    expect(refused.runId).toBe(started);
    expect(refused.message).toContain('already in progress');
    const { rows } = await h.sql.query(`SELECT id FROM runs WHERE state IN ('planned', 'running')`);
    expect(rows).toEqual([{ id: started }]);
    expect(await h.waitForRunJob(started)).toBe('completed');
  });

  it('refuses to run on a disabled instance with 423 and enqueues nothing', async () => {
    const before = await runJobIds();
    await h.fetchAs(ADMIN_TOKEN, '/api/v1/settings', {
      method: 'PATCH',
      body: JSON.stringify({ enabled: false }),
    });
    try {
      const res = await post(ADMIN_TOKEN, '/api/v1/runs');
      expect(res.status).toBe(423);
      expect(((await res.json()) as ErrorAnswer).message).toBe(
        'service ping is disabled on this instance; no run was started',
      );
      expect(await runJobIds()).toEqual(before);
    } finally {
      await h.fetchAs(ADMIN_TOKEN, '/api/v1/settings', {
        method: 'PATCH',
        body: JSON.stringify({ enabled: true }),
      });
    }
  });

  it('records a run asked to submit as collect-only while the instance collects only: its flow never submits', async () => {
    await h.sql.query(`UPDATE runs SET state = 'finished' WHERE state IN ('planned', 'running')`);
    const patch = (body: unknown) =>
      h.fetchAs(ADMIN_TOKEN, '/api/v1/settings', { method: 'PATCH', body: JSON.stringify(body) });
    expect((await patch({ send_mode: 'offline' })).status).toBe(400);
    const changed = await patch({ send_mode: 'collect_only' });
    expect(((await changed.json()) as { sendMode: string }).sendMode).toBe('collect_only');
    try {
      const res = await post(ADMIN_TOKEN, '/api/v1/runs', { submit: true });
      expect(res.status).toBe(202);
      const { runId } = (await res.json()) as TriggerAnswer;
      expect(await h.collector.runs.get(runId)).toMatchObject({ submit: false, collectOnly: true });
      expect(await h.waitForRunJob(runId)).toBe('completed');
      const aggregate = await h.collector.queues.aggregate.getJob(aggregateJobId(runId));
      expect(aggregate?.data).toMatchObject({ runId, submit: false });
    } finally {
      await patch({ send_mode: 'send' });
      await h.sql.query(`UPDATE runs SET state = 'finished' WHERE state IN ('planned', 'running')`);
    }
  });

  it('answers 422 naming file and field for a broken dictionary, and enqueues nothing', async () => {
    const before = {
      runs: await runJobIds(),
      metrics: await jobCount('metrics'),
      aggregate: await jobCount('aggregate'),
    };
    await h.writeDefinition('counts_all/broken.yml', {
      key_path: 'counts.broken',
      data_source: 'database',
      options: { operation: 'tally', table: 'issues' },
    });
    try {
      const res = await post(ADMIN_TOKEN, '/api/v1/runs');
      expect(res.status).toBe(422);
      const body = (await res.json()) as ErrorAnswer;
      expect(body.message).toBe('the metric dictionary is invalid');
      expect(body.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ file: 'counts_all/broken.yml', field: '/options/operation' }),
        ]),
      );
      expect(await runJobIds()).toEqual(before.runs);
      expect(await jobCount('metrics')).toBe(before.metrics);
      expect(await jobCount('aggregate')).toBe(before.aggregate);
      const { rows } = await h.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM runs WHERE state IN ('planned', 'running')`,
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await h.removeDefinition('counts_all/broken.yml');
    }
  });

  it('fails a planned run whose dictionary broke after the trigger, naming file and field, with no flow', async () => {
    const before = await jobCount('aggregate');
    const created = await h.collector.runs.create({ id: 'run-42', requestedBy: 'api', submit: true });
    expect(created.created).toBe(true);
    await h.writeRaw('counts_all/bad.yml', 'key_path: counts.bad\n');
    try {
      await expect(h.collector.planner.plan('run-42')).rejects.toThrow('counts_all/bad.yml');
      const run = await h.collector.runs.get('run-42');
      expect(run?.state).toBe('failed');
      expect(run?.error).toContain('counts_all/bad.yml');
      expect(run?.error).toContain('product_group');
      expect(await jobCount('aggregate')).toBe(before);
    } finally {
      await h.removeDefinition('counts_all/bad.yml');
    }
  });
});

describe('GET /api/v1/preview', () => {
  it('starts a submit:false run when no fresh preview exists, then serves the stored payload', async () => {
    const first = await h.fetchAs(ADMIN_TOKEN, '/api/v1/preview');
    expect(first.status).toBe(202);
    const { runId } = (await first.json()) as TriggerAnswer;
    expect((await h.collector.runs.get(runId))?.submit).toBe(false);
    // Asking again while it runs reuses the same run.
    const again = (await (await h.fetchAs(ADMIN_TOKEN, '/api/v1/preview')).json()) as TriggerAnswer;
    expect(again.runId).toBe(runId);
    expect(await h.waitForRunJob(runId)).toBe('completed');
    // What the aggregator does when the preview run finishes.
    await h.sql.query(
      `INSERT INTO raw_usage_data (recorded_at, run_id, payload) VALUES (now(), $1, '{"counts":{"issues":3}}')`,
      [runId],
    );
    await finishActiveRuns();
    const second = await h.fetchAs(ADMIN_TOKEN, '/api/v1/preview');
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ ready: true, runId, payload: { counts: { issues: 3 } } });
  });
});

describe('pages, dashboard and ops', () => {
  it('protects the HTML run pages and the dashboard with a Basic challenge', async () => {
    for (const path of ['/runs', '/admin/queues']) {
      const res = await h.fetchAs(undefined, path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Basic');
    }
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;
    const page = await h.fetchAs(undefined, '/runs', { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Runs</h1>');
    const board = await h.fetchAs(undefined, '/admin/queues/api/queues', {
      headers: { authorization: basic },
    });
    expect(board.status).toBe(200);
    const { queues } = (await board.json()) as { queues: { name: string }[] };
    const names = queues.map((q) => q.name).sort();
    expect(names).toEqual(['aggregate', 'light', 'metrics', 'runs', 'shards']);
  });

  it('serves /healthz, /readyz and /metrics with trigger and queue series', async () => {
    expect((await h.fetchAs(undefined, '/healthz')).status).toBe(200);
    const ready = await h.fetchAs(undefined, '/readyz');
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    const text = await (await h.fetchAs(undefined, '/metrics')).text();
    expect(text).toMatch(/servping_collector_triggers_total\{source="api",outcome="started"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /servping_collector_triggers_total\{source="api",outcome="already_running"[^}]*\} 1/,
    );
    expect(text).toMatch(/servping_queue_jobs\{queue="shards",state="waiting"[^}]*\} [1-9]/);
  });
});
