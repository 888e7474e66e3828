import type { RunFacts } from '@servping/shared';
import { countQuery, plannedMetric } from '../../../../shared/test/support/definitions';
import { buildRunFlow, shardCount, type RunPlan } from './run-flow';

const metric = (keyPath: string) =>
  plannedMetric(keyPath, { kind: 'redis_counter', key: `USAGE_${keyPath.toUpperCase()}` });
const databaseMetric = (keyPath: string) =>
  plannedMetric(keyPath, { kind: 'database', query: countQuery('issues') });

const facts: RunFacts = {
  instance: {
    uuid: '0b3ab2f4-0000-4000-8000-000000000001',
    hostname: 'gitlab.example.com',
    version: '17.5.0',
    edition: 'EE',
    installationType: 'omnibus',
    database: { adapter: 'postgresql', version: '15.19', pgSystemId: null, flavor: null },
    collectedDataCategories: ['standard'],
  },
  settings: { operating_system: 'linux' },
  license: {},
};

const plan: RunPlan = {
  runId: 'run-1700000000000',
  recordedAt: '2023-11-14T22:13:20.000Z',
  submit: true,
  facts,
  metrics: [
    { metric: metric('a') },
    {
      metric: databaseMetric('b'),
      shards: [
        { start: '1', finish: '101' },
        { start: '101', finish: '201' },
      ],
    },
  ],
  passes: [],
  deferred: [metric('c')],
  retentionSeconds: 600,
};

describe('buildRunFlow', () => {
  const flow = buildRunFlow(plan);

  it('is one aggregate-run parent on the aggregate queue carrying the deferred metrics', () => {
    expect(flow.name).toBe('aggregate-run');
    expect(flow.queueName).toBe('aggregate');
    expect(flow.opts?.jobId).toBe('run-1700000000000-aggregate');
    expect(flow.data).toEqual({
      runId: 'run-1700000000000',
      recordedAt: '2023-11-14T22:13:20.000Z',
      facts,
      submit: true,
      deferred: [metric('c')],
    });
  });

  it('has one child per metric with deterministic ids: database metrics on metrics, the rest on light', () => {
    expect(flow.children?.map((c) => [c.name, c.queueName, c.opts?.jobId, c.children?.length ?? 0])).toEqual([
      ['compute-light-metric', 'light', 'run-1700000000000-m-0', 0],
      ['compute-metric', 'metrics', 'run-1700000000000-m-1', 2],
    ]);
    expect(flow.children?.[0]?.data).toEqual({
      runId: 'run-1700000000000',
      recordedAt: '2023-11-14T22:13:20.000Z',
      facts,
      metric: metric('a'),
    });
  });

  it('puts compute-shard jobs under a sharded metric, each with its range and index', () => {
    const shards = flow.children?.[1]?.children ?? [];
    expect(shards.map((s) => [s.name, s.queueName, s.opts?.jobId])).toEqual([
      ['compute-shard', 'shards', 'run-1700000000000-m-1-s-0'],
      ['compute-shard', 'shards', 'run-1700000000000-m-1-s-1'],
    ]);
    expect(shards[1]?.data).toMatchObject({ range: { start: '101', finish: '201' }, index: 1 });
    expect(flow.children?.[1]?.data).toMatchObject({ shards: plan.metrics[1]?.shards });
  });

  it('gives every child retries with jittered backoff, retention and ignoreDependencyOnFailure', () => {
    const children = [...(flow.children ?? []), ...(flow.children?.[1]?.children ?? [])];
    expect(children).toHaveLength(4);
    for (const child of children) {
      expect(child.opts).toMatchObject({
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
        ignoreDependencyOnFailure: true,
        removeOnComplete: { age: 600 },
        removeOnFail: { age: 600 },
      });
      expect(child.opts?.jobId).not.toContain(':');
    }
  });

  it('gives the aggregate job attempts that wait out minutes of servping database outage', () => {
    const { attempts = 1, backoff } = flow.opts ?? {};
    expect(backoff).toEqual({ type: 'exponential', delay: 2000, jitter: 0.5 });
    // BullMQ's exponential backoff waits delay × 2^(n − 1) after the n-th failure, less up to
    // `jitter` of it: the shortest total wait before the last attempt.
    let shortestWaitMs = 0;
    for (let n = 1; n < attempts; n++) shortestWaitMs += 2000 * 2 ** (n - 1) * (1 - 0.5);
    expect(shortestWaitMs).toBeGreaterThanOrEqual(120_000);
  });

  it('counts shard jobs', () => {
    expect(shardCount(plan)).toBe(2);
  });
});

describe('buildRunFlow with a shared table pass', () => {
  const members = [databaseMetric('p0'), databaseMetric('p1'), databaseMetric('p2')];
  const passPlan: RunPlan = {
    ...plan,
    metrics: [{ metric: metric('a') }, ...members.map((m) => ({ metric: m, pass: 0 }))],
    passes: [
      {
        pass: { id: 'issues/all/0', members },
        shards: [
          { start: '1', finish: '101' },
          { start: '101', finish: '201' },
        ],
      },
    ],
  };
  const flow = buildRunFlow(passPlan);

  it('keeps one job per metric, each naming the pass; the first member is the pass job’s parent', () => {
    expect(flow.children?.map((c) => [c.name, c.opts?.jobId, c.children?.length ?? 0])).toEqual([
      ['compute-light-metric', 'run-1700000000000-m-0', 0],
      ['compute-metric', 'run-1700000000000-m-1', 1],
      ['compute-metric', 'run-1700000000000-m-2', 0],
      ['compute-metric', 'run-1700000000000-m-3', 0],
    ]);
    for (const child of flow.children!.slice(1)) {
      expect(child.data).toMatchObject({ pass: { jobId: 'run-1700000000000-p-0' } });
      expect(child.data).not.toHaveProperty('shards');
    }
  });

  it('splits the pass, not each metric: the pass job is the parent of its shards', () => {
    const passJob = flow.children?.[1]?.children?.[0];
    expect([passJob?.name, passJob?.queueName, passJob?.opts?.jobId]).toEqual([
      'compute-pass',
      'shards',
      'run-1700000000000-p-0',
    ]);
    expect(passJob?.data).toMatchObject({
      pass: { id: 'issues/all/0', members },
      shards: passPlan.passes[0]?.shards,
    });
    expect(
      passJob?.children?.map((s) => [s.name, s.opts?.jobId, (s.data as { range?: unknown }).range]),
    ).toEqual([
      ['compute-pass', 'run-1700000000000-p-0-s-0', { start: '1', finish: '101' }],
      ['compute-pass', 'run-1700000000000-p-0-s-1', { start: '101', finish: '201' }],
    ]);
    expect(shardCount(passPlan)).toBe(2);
  });
});
