import { buildPayload, type PayloadDefinition } from './build-payload';
import type { InstanceFacts } from './instance-facts';
import { KeyPathConflictError } from './nest-by-key-path';

const facts: InstanceFacts = {
  uuid: '11111111-2222-3333-4444-555555555555',
  hostname: 'gitlab.example.com',
  version: '17.5.0',
  edition: 'CE',
  installationType: 'docker',
  database: { adapter: 'postgresql', version: '15.4', pgSystemId: '7300000000000000001', flavor: null },
  collectedDataCategories: ['standard', 'subscription'],
};
const run = { facts, recordedAt: '2024-06-03T10:00:00.000Z', license: { plan: 'free', user_count: 10 } };

const def = (
  keyPath: string,
  status: PayloadDefinition['status'] = 'active',
  dataCategory: PayloadDefinition['dataCategory'] = 'optional',
): PayloadDefinition => ({ keyPath, status, dataCategory });

const factsPayload = {
  uuid: facts.uuid,
  hostname: 'gitlab.example.com',
  version: '17.5.0',
  edition: 'CE',
  installation_type: 'docker',
  recorded_at: '2024-06-03T10:00:00.000Z',
  database: { adapter: 'postgresql', version: '15.4', pg_system_id: '7300000000000000001', flavor: null },
  settings: { collected_data_categories: 'standard,subscription' },
  license: { plan: 'free', user_count: 10 },
};

describe('buildPayload', () => {
  it('nests results, adds the instance facts and reports timings of the sent metrics', () => {
    const built = buildPayload({
      results: [
        { keyPath: 'counts.issues', value: 12, timeElapsedS: 0.5 },
        { keyPath: 'counts.failing', value: -1, timeElapsedS: 2, error: 'relation "nope" does not exist' },
        { keyPath: 'redis_hll_counters.users_weekly', value: 3, timeElapsedS: 0.01 },
      ],
      ...run,
      definitions: [
        def('counts.issues'),
        def('counts.failing', 'broken'),
        def('redis_hll_counters.users_weekly'),
      ],
      permittedCategories: ['optional', 'standard'],
    });
    expect(built.payload).toEqual({
      ...factsPayload,
      counts: { issues: 12, failing: -1 },
      redis_hll_counters: { users_weekly: 3 },
    });
    expect(built.metadata).toEqual({
      uuid: facts.uuid,
      metrics: [
        { name: 'counts.failing', timeElapsedS: 2, error: 'relation "nope" does not exist' },
        { name: 'counts.issues', timeElapsedS: 0.5 },
        { name: 'redis_hll_counters.users_weekly', timeElapsedS: 0.01 },
      ],
    });
  });

  it.each([
    ['a removed metric', def('counts.x', 'removed'), ['optional'], undefined],
    [
      'a metric of a category that is not permitted',
      def('counts.x', 'active', 'optional'),
      ['standard'],
      undefined,
    ],
    ['a broken metric', def('counts.x', 'broken', 'operational'), ['operational'], 5],
    ['a deprecated metric, as -1000', def('counts.x', 'deprecated', 'standard'), ['standard'], -1000],
    ['a metric of a permitted category', def('counts.x', 'active', 'subscription'), ['subscription'], 5],
  ] as const)('filters %s', (_name, definition, permittedCategories, expected) => {
    const { payload, metadata } = buildPayload({
      results: [{ keyPath: 'counts.x', value: 5, timeElapsedS: 1 }],
      ...run,
      definitions: [definition],
      permittedCategories,
    });
    expect((payload.counts as Record<string, unknown> | undefined)?.x).toBe(expected);
    // Only computed metrics that were sent have timings; deprecated ones never ran.
    expect(metadata.metrics.map((m) => m.name)).toEqual(expected === 5 ? ['counts.x'] : []);
  });

  it('drops results that have no definition (GitLab drops undefined leaves)', () => {
    const { payload } = buildPayload({
      results: [{ keyPath: 'counts.orphan', value: 1, timeElapsedS: 0 }],
      ...run,
      definitions: [],
      permittedCategories: ['optional'],
    });
    expect(payload).toEqual(factsPayload);
  });

  it('lets a defined metric replace the fact of the same key_path, with its own filter', () => {
    const sentVersion = buildPayload({
      results: [{ keyPath: 'version', value: '17.5.0-ee', timeElapsedS: 0 }],
      ...run,
      definitions: [def('version', 'active', 'standard')],
      permittedCategories: ['standard'],
    });
    expect(sentVersion.payload.version).toBe('17.5.0-ee');
    const filteredHostname = buildPayload({
      results: [{ keyPath: 'hostname', value: 'h', timeElapsedS: 0 }],
      ...run,
      definitions: [def('hostname', 'active', 'optional')],
      permittedCategories: ['standard'],
    });
    expect('hostname' in filteredHostname.payload).toBe(false);
  });

  it('fails on a metric whose key_path collides with a fact', () => {
    expect(() =>
      buildPayload({
        results: [{ keyPath: 'uuid.short', value: 'x', timeElapsedS: 0 }],
        ...run,
        definitions: [def('uuid.short')],
        permittedCategories: ['optional'],
      }),
    ).toThrow(KeyPathConflictError);
  });

  it('says when the counts came from a hot standby, with its replay lag at the start', () => {
    const onStandby = { ...facts, database: { ...facts.database, standby: true, replayLagS: 0.25 } };
    const built = buildPayload({
      results: [],
      ...run,
      facts: onStandby,
      definitions: [],
      permittedCategories: [],
    });
    expect(built.payload.database).toEqual({
      ...factsPayload.database,
      standby: true,
      replay_lag_seconds: 0.25,
    });
    const onPrimary = { ...facts, database: { ...facts.database, standby: false } };
    const plain = buildPayload({
      results: [],
      ...run,
      facts: onPrimary,
      definitions: [],
      permittedCategories: [],
    });
    expect(plain.payload.database).toEqual(factsPayload.database);
  });
});
