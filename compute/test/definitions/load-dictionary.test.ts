import { expect } from '@jest/globals';
import { parse, stringify } from 'yaml';
import {
  DefinitionError,
  definitionsToYaml,
  loadDictionary,
  loadDictionaryOrThrow,
  payloadDefinitions,
  type DatabaseQuery,
  type MetricDefinition,
} from '@servping/shared';
import { definitionKinds } from '../../src/kinds/kinds';

/** A valid newest-format database definition; each case overrides what it needs. */
const BASE = {
  key_path: 'counts.issues',
  description: 'Count of issues',
  product_group: 'project_management',
  value_type: 'number',
  status: 'active',
  milestone: '17.0',
  introduced_by_url: 'https://gitlab.example/mr/1',
  time_frame: 'all',
  data_source: 'database',
  data_category: 'optional',
  tiers: ['free', 'premium', 'ultimate'],
  instrumentation_class: 'DatabaseMetric',
  options: { operation: 'count', table: 'issues' },
};

type Doc = Record<string, unknown>;

function file(path: string, overrides: Doc = {}, without: string[] = []): { path: string; text: string } {
  const doc: Doc = { ...BASE, ...overrides };
  for (const key of without) delete doc[key];
  return { path, text: stringify(doc) };
}

function dbOptions(options: Doc): Doc {
  return { options: { operation: 'count', table: 'issues', ...options } };
}

function loadOne(overrides: Doc, without: string[] = []): MetricDefinition {
  const { definitions, problems } = loadDictionary(
    [file('counts_all/x.yml', overrides, without)],
    definitionKinds,
  );
  expect(problems).toEqual([]);
  expect(definitions).toHaveLength(1);
  return definitions[0] as MetricDefinition;
}

function queryOf(overrides: Doc): DatabaseQuery {
  const { spec } = loadOne(overrides);
  if (spec.kind !== 'database') throw new Error(`expected a database spec, got ${JSON.stringify(spec)}`);
  return spec.query;
}

describe('bad definitions name file, key_path and field', () => {
  const F = 'counts_all/bad.yml';
  const K = 'counts.issues';
  const cases: [
    name: string,
    files: { path: string; text: string }[],
    file: string,
    keyPath: string | undefined,
    field: string | undefined,
    message: RegExp,
  ][] = [
    ['missing description', [file(F, {}, ['description'])], F, K, '/description', /^is required$/],
    [
      'empty description without skip_validation',
      [file(F, { description: '' })],
      F,
      K,
      '/description',
      /must not be empty \(only legacy files with skip_validation: true/,
    ],
    [
      'unknown top-level field',
      [file(F, { colour: 'blue' })],
      F,
      K,
      '/colour',
      /is not a known field \(expected one of: key_path, description/,
    ],
    [
      'LicenseMetric naming no attribute',
      [
        file(F, {
          data_source: 'license',
          instrumentation_class: 'LicenseMetric',
          value_type: 'string',
          options: {},
        }),
      ],
      F,
      K,
      '/options/attribute',
      /^is required \(the license attribute/,
    ],
    [
      'unknown status',
      [file(F, { status: 'enabled' })],
      F,
      K,
      '/status',
      /must be one of "active", "broken".*; got "enabled"/,
    ],
    [
      'unknown time frame',
      [file(F, { time_frame: '14d' })],
      F,
      K,
      '/time_frame',
      /must be one of "7d", "28d", "all", "none"; got "14d"/,
    ],
    [
      'repeated array time frame',
      [file(F, { time_frame: ['7d', '7d'] })],
      F,
      K,
      '/time_frame',
      /duplicate items/,
    ],
    [
      'broken without repair issue',
      [file(F, { status: 'broken' })],
      F,
      K,
      '/repair_issue_url',
      /is required \(a broken metric links its repair issue\)/,
    ],
    [
      'removed without milestone_removed',
      [file(F, { status: 'removed', removed_by_url: null })],
      F,
      K,
      '/milestone_removed',
      /is required \(a removed metric records when/,
    ],
    [
      'old format without tiers or distribution',
      [file(F, {}, ['tiers'])],
      F,
      K,
      '/distribution',
      /is required \(without tiers, the older format needs distribution and tier\)/,
    ],
    ['bad milestone', [file(F, { milestone: 'next' })], F, K, '/milestone', /must match/],
    [
      'bad introduced_by_url',
      [file(F, { introduced_by_url: 'not a url' })],
      F,
      K,
      '/introduced_by_url',
      /must be a valid uri/,
    ],
    [
      'table not an identifier',
      [file(F, dbOptions({ table: 'Issues' }))],
      F,
      K,
      '/options/table',
      /must match \^\[a-z_\]/,
    ],
    [
      'misspelt option',
      [file(F, dbOptions({ tabel: 'issues' }))],
      F,
      K,
      '/options/tabel',
      /is not a known field \(expected one of: operation, table, primary_key/,
    ],
    [
      'unknown operation',
      [file(F, dbOptions({ operation: 'median' }))],
      F,
      K,
      '/options/operation',
      /must be one of "count"/,
    ],
    [
      'filter on a table that is not joined',
      [file(F, dbOptions({ filters: [{ column: 'projects.visibility_level', op: 'eq', value: 20 }] }))],
      F,
      K,
      '/options/filters/0/column',
      /table "projects" is neither the main table nor joined before this point \(expected one of: issues\)/,
    ],
    [
      'join on a table joined later',
      [
        file(
          F,
          dbOptions({
            joins: [
              { table: 'projects', on: ['namespaces.id', 'projects.namespace_id'] },
              { table: 'namespaces', on: ['projects.namespace_id', 'id'] },
            ],
          }),
        ),
      ],
      F,
      K,
      '/options/joins/0/on/0',
      /table "namespaces" is neither the main table nor joined before this point/,
    ],
    [
      'in with a scalar',
      [file(F, dbOptions({ filters: [{ column: 'state', op: 'in', value: 'opened' }] }))],
      F,
      K,
      '/options/filters/0/value',
      /must be a list for op in/,
    ],
    [
      'eq without a value',
      [file(F, dbOptions({ filters: [{ column: 'state', op: 'eq' }] }))],
      F,
      K,
      '/options/filters/0/value',
      /is required for op eq/,
    ],
    [
      'where_sql with a statement separator',
      [file(F, dbOptions({ where_sql: 'true; DROP TABLE issues' }))],
      F,
      K,
      '/options/where_sql',
      /must not contain ";"/,
    ],
    [
      'where_sql with a comment',
      [file(F, dbOptions({ where_sql: 'confidential -- hide' }))],
      F,
      K,
      '/options/where_sql',
      /must not contain "--"/,
    ],
    [
      'where_sql with a block comment',
      [file(F, dbOptions({ where_sql: 'confidential /* x */' }))],
      F,
      K,
      '/options/where_sql',
      /must not contain "\/\*"/,
    ],
    [
      'distinct count of the primary key',
      [file(F, dbOptions({ operation: 'distinct_count', column: 'id' }))],
      F,
      K,
      '/options/column',
      /use distinct count only with non id fields/,
    ],
    [
      'sum without a column',
      [file(F, dbOptions({ operation: 'sum' }))],
      F,
      K,
      '/options/column',
      /is required for operation sum/,
    ],
    [
      'histogram without buckets',
      [file(F, { value_type: 'object', ...dbOptions({ operation: 'histogram', column: 'weight' }) })],
      F,
      K,
      '/options/histogram',
      /is required for operation histogram/,
    ],
    [
      'histogram with reversed bounds',
      [
        file(F, {
          value_type: 'object',
          ...dbOptions({
            operation: 'histogram',
            column: 'weight',
            histogram: { buckets: [100, 1], bucket_size: 10 },
          }),
        }),
      ],
      F,
      K,
      '/options/histogram/buckets',
      /lower bound must be below the upper bound; got \[100, 1\]/,
    ],
    [
      'histogram with 101 buckets',
      [
        file(F, {
          value_type: 'object',
          ...dbOptions({
            operation: 'histogram',
            column: 'weight',
            histogram: { buckets: [1, 100], bucket_size: 101 },
          }),
        }),
      ],
      F,
      K,
      '/options/histogram/bucket_size',
      /must be <= 100/,
    ],
    [
      'number value type for a histogram',
      [
        file(
          F,
          dbOptions({
            operation: 'histogram',
            column: 'weight',
            histogram: { buckets: [1, 100], bucket_size: 10 },
          }),
        ),
      ],
      F,
      K,
      '/value_type',
      /must be object for a histogram database metric; got "number"/,
    ],
    [
      'DatabaseMetric with a redis data source',
      [file(F, { data_source: 'redis' })],
      F,
      K,
      '/data_source',
      /must be "database"; got "redis"/,
    ],
    [
      'RedisMetric without prefix',
      [file(F, { data_source: 'redis', instrumentation_class: 'RedisMetric', options: { event: 'pushes' } })],
      F,
      K,
      '/options/prefix',
      /is required/,
    ],
    [
      'RedisHLLMetric over all time',
      [
        file(F, {
          data_source: 'redis_hll',
          instrumentation_class: 'RedisHLLMetric',
          options: { events: ['a'] },
        }),
      ],
      F,
      K,
      '/time_frame',
      /time_frame must be 7d or 28d; got all/,
    ],
    [
      'redis aggregate over all time',
      [
        file(F, {
          time_frame: ['28d', 'all'],
          data_source: 'redis_hll',
          instrumentation_class: 'AggregatedMetric',
          options: { aggregate: { operator: 'OR' }, events: ['a', 'b'] },
        }),
      ],
      F,
      K,
      '/time_frame',
      /aggregation time frame 'all' is not allowed for aggregation with source 'redis_hll'/,
    ],
    [
      'internal_events with a class',
      [
        file(F, {
          data_source: 'internal_events',
          instrumentation_class: 'TotalCountMetric',
          options: null,
          events: [{ name: 'e' }],
        }),
      ],
      F,
      K,
      '/instrumentation_class',
      /is not allowed here/,
    ],
    [
      'NumbersMetric adding an unknown metric',
      [
        file(F, {
          instrumentation_class: 'NumbersMetric',
          options: { operation: 'add', metrics: ['counts.issues', 'counts.nope'] },
        }),
      ],
      F,
      K,
      '/options/metrics/1',
      /refers to unknown key_path "counts.nope"/,
    ],
    [
      'duplicate key_path in two files',
      [file('counts_all/a.yml'), file(F)],
      F,
      K,
      '/key_path',
      /^duplicate key_path: also defined in counts_all\/a.yml$/,
    ],
    [
      'duplicate key_path after expansion',
      [
        file('counts_7d/a.yml', { key_path: 'counts.issues_weekly', time_frame: '7d' }),
        file(F, { time_frame: ['7d', '28d'] }),
      ],
      F,
      'counts.issues_weekly',
      '/key_path',
      /duplicate key_path: also defined in counts_7d\/a.yml/,
    ],
    [
      'invalid YAML',
      [{ path: F, text: 'key_path: [unclosed\n' }],
      F,
      undefined,
      undefined,
      /^is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \] at line 2, column 1$/,
    ],
    [
      'two YAML documents',
      [{ path: F, text: `${stringify(BASE)}---\n${stringify(BASE)}` }],
      F,
      undefined,
      undefined,
      /holds 2 YAML documents/,
    ],
    [
      'a list instead of a mapping',
      [{ path: F, text: '- a\n- b\n' }],
      F,
      undefined,
      undefined,
      /must hold a YAML mapping/,
    ],
  ];

  it.each(cases)('%s', (_name, files, expectedFile, keyPath, field, message) => {
    const { problems } = loadDictionary(files, definitionKinds);
    const match = problems.find((p) => p.file === expectedFile && p.keyPath === keyPath && p.field === field);
    expect({ problems, found: match !== undefined }).toEqual(expect.objectContaining({ found: true }));
    expect(match?.message).toMatch(message);
  });

  it('drops the bad definitions and keeps the good ones', () => {
    const { definitions, problems } = loadDictionary(
      [
        file('counts_all/good.yml', { key_path: 'counts.good' }),
        file('counts_all/bad.yml', { key_path: 'counts.bad', status: 'enabled' }),
      ],
      definitionKinds,
    );
    expect(definitions.map((d) => d.keyPath)).toEqual(['counts.good']);
    expect(problems).toHaveLength(1);
  });

  it('loadDictionaryOrThrow reports every problem of every file at once', () => {
    const files = [
      file('a.yml', { key_path: 'counts.a', status: 'enabled' }),
      file('b.yml', { key_path: 'counts.b', ...dbOptions({ table: 'Issues' }) }),
    ];
    expect(() => loadDictionaryOrThrow(files, definitionKinds)).toThrow(DefinitionError);
    try {
      loadDictionaryOrThrow(files, definitionKinds);
    } catch (err) {
      const problems = (err as DefinitionError).problems;
      expect(problems.map((p) => [p.file, p.keyPath, p.field])).toEqual([
        ['a.yml', 'counts.a', '/status'],
        ['b.yml', 'counts.b', '/options/table'],
      ]);
      expect((err as DefinitionError).message).toContain('b.yml [counts.b] /options/table: must match');
    }
  });
});

describe('database options resolve to a DatabaseQuery', () => {
  it('fills in the defaults of a plain count', () => {
    expect(queryOf({})).toEqual({
      operation: 'count',
      table: 'issues',
      primaryKey: 'id',
      column: { table: 'issues', column: 'id' },
      joins: [],
      filters: [],
      timestampColumn: { table: 'issues', column: 'created_at' },
    });
  });

  it('resolves joins, filters, where_sql, grouping, bounds and a joined timestamp column', () => {
    const query = queryOf({
      value_type: 'object',
      time_frame: '28d',
      ...dbOptions({
        operation: 'distinct_count',
        column: 'author_id',
        primary_key: 'iid',
        joins: [
          { table: 'projects', on: ['issues.project_id', 'projects.id'] },
          { table: 'namespaces', on: ['projects.namespace_id', 'id'] },
        ],
        filters: [
          { column: 'state', op: 'eq', value: 'opened' },
          { column: 'projects.visibility_level', op: 'in', value: [10, 20] },
          { column: 'closed_at', op: 'is_not_null' },
        ],
        where_sql: 'issues.confidential IS FALSE',
        group_by: 'namespaces.type',
        timestamp_column: 'projects.created_at',
        batch_size: 5000,
        start: 1,
        finish: 5000000,
      }),
    });
    expect(query).toEqual({
      operation: 'distinct_count',
      table: 'issues',
      primaryKey: 'iid',
      column: { table: 'issues', column: 'author_id' },
      joins: [
        { table: 'projects', left: { table: 'issues', column: 'project_id' }, rightColumn: 'id' },
        { table: 'namespaces', left: { table: 'projects', column: 'namespace_id' }, rightColumn: 'id' },
      ],
      filters: [
        { column: { table: 'issues', column: 'state' }, op: 'eq', value: 'opened' },
        { column: { table: 'projects', column: 'visibility_level' }, op: 'in', value: [10, 20] },
        { column: { table: 'issues', column: 'closed_at' }, op: 'is_not_null' },
      ],
      whereSql: 'issues.confidential IS FALSE',
      groupBy: { table: 'namespaces', column: 'type' },
      timestampColumn: { table: 'projects', column: 'created_at' },
      batchSize: 5000,
      start: 1,
      finish: 5000000,
    });
  });

  it.each([
    [
      'histogram',
      {
        value_type: 'object',
        ...dbOptions({
          operation: 'histogram',
          column: 'weight',
          histogram: { buckets: [1, 100], bucket_size: 10 },
        }),
      },
      { histogram: { lower: 1, upper: 100, bucketCount: 10 }, column: { table: 'issues', column: 'weight' } },
    ],
    [
      'estimate_distinct_count defaults to the primary key',
      dbOptions({ operation: 'estimate_distinct_count' }),
      { column: { table: 'issues', column: 'id' } },
    ],
    [
      'sum of a column',
      dbOptions({ operation: 'sum', column: 'weight' }),
      { column: { table: 'issues', column: 'weight' } },
    ],
    [
      'count without a class, by options alone',
      { instrumentation_class: undefined, ...dbOptions({ column: 'author_id' }) },
      { column: { table: 'issues', column: 'author_id' } },
    ],
  ])('%s', (_name, overrides, expected) => {
    const doc = { ...overrides };
    const without =
      'instrumentation_class' in doc && doc.instrumentation_class === undefined
        ? ['instrumentation_class']
        : [];
    if (without.length > 0) delete (doc as Doc).instrumentation_class;
    const { spec } = loadOne(doc, without);
    expect(spec.kind === 'database' && spec.query).toEqual(expect.objectContaining(expected));
  });
});

describe('other instrumentation classes', () => {
  it.each([
    [
      'RedisMetric with prefix',
      {
        data_source: 'redis',
        instrumentation_class: 'RedisMetric',
        options: { event: 'pushes', prefix: 'source_code' },
      },
      { kind: 'redis_counter', key: 'USAGE_SOURCE_CODE_PUSHES' },
    ],
    [
      'RedisMetric with null prefix',
      {
        data_source: 'redis',
        instrumentation_class: 'RedisMetric',
        options: { event: 'pushes', prefix: null },
      },
      { kind: 'redis_counter', key: 'USAGE_PUSHES' },
    ],
    [
      'RedisMetric without USAGE_',
      {
        data_source: 'redis',
        instrumentation_class: 'RedisMetric',
        options: { event: 'views', prefix: 'web_ide', include_usage_prefix: false },
      },
      { kind: 'redis_counter', key: 'WEB_IDE_VIEWS' },
    ],
    [
      'RedisHLLMetric',
      {
        time_frame: '7d',
        data_source: 'redis_hll',
        instrumentation_class: 'RedisHLLMetric',
        options: { events: ['a', 'b'] },
      },
      { kind: 'redis_hll', events: ['a', 'b'] },
    ],
    [
      'AggregatedMetric AND',
      {
        time_frame: '28d',
        data_source: 'redis_hll',
        instrumentation_class: 'AggregatedMetric',
        options: { aggregate: { operator: 'AND', attribute: 'user_id' }, events: ['a', 'b'] },
      },
      { kind: 'aggregated', source: 'redis_hll', operator: 'AND', events: ['a', 'b'] },
    ],
    [
      'AggregatedMetric as GitLab writes it today: attribute only, a union',
      {
        time_frame: '7d',
        data_source: 'redis_hll',
        instrumentation_class: 'AggregatedMetric',
        options: { aggregate: { attribute: 'user.id' }, events: ['a', 'b'] },
      },
      { kind: 'aggregated', source: 'redis_hll', operator: 'OR', events: ['a', 'b'] },
    ],
    [
      'a class named with its GitLab module',
      {
        time_frame: '28d',
        data_source: 'redis_hll',
        instrumentation_class: 'Gitlab::Usage::Metrics::Instrumentations::RedisHLLMetric',
        options: { events: ['a'] },
      },
      { kind: 'redis_hll', events: ['a'] },
    ],
    [
      'SettingMetric',
      {
        data_source: 'system',
        instrumentation_class: 'SettingMetric',
        value_type: 'boolean',
        options: { setting: 'usage_ping_enabled' },
      },
      { kind: 'setting', name: 'usage_ping_enabled' },
    ],
    [
      'LicenseMetric',
      {
        data_source: 'license',
        instrumentation_class: 'LicenseMetric',
        value_type: 'string',
        options: { field: 'plan' },
      },
      { kind: 'license', field: 'plan' },
    ],
    [
      "LicenseMetric with GitLab's attribute",
      {
        data_source: 'license',
        instrumentation_class: 'LicenseMetric',
        value_type: 'string',
        options: { attribute: 'md5' },
      },
      { kind: 'license', field: 'md5' },
    ],
    [
      'LicenseMetric of the first generation: data_source ruby, introduced_by_url null',
      {
        data_source: 'ruby',
        instrumentation_class: 'LicenseMetric',
        value_type: 'string',
        introduced_by_url: null,
        options: { attribute: 'plan' },
      },
      { kind: 'license', field: 'plan' },
    ],
    [
      'PrometheusMetric',
      {
        data_source: 'prometheus',
        instrumentation_class: 'PrometheusMetric',
        options: { query: 'avg(up{job="gitlab-rails"})' },
      },
      { kind: 'prometheus', query: 'avg(up{job="gitlab-rails"})' },
    ],
    [
      'CollectedDataCategoriesMetric',
      {
        time_frame: 'none',
        data_source: 'system',
        instrumentation_class: 'CollectedDataCategoriesMetric',
        value_type: 'object',
        options: null,
      },
      { kind: 'system', fact: 'collected_data_categories' },
    ],
    [
      'a Ruby class',
      { instrumentation_class: 'CountUsersCreatingIssuesMetric', options: { event: 'x' } },
      {
        kind: 'unsupported',
        reason: expect.stringMatching(
          /^instrumentation class CountUsersCreatingIssuesMetric is Ruby code in GitLab/,
        ),
      },
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(loadOne(overrides).spec).toEqual(expected);
  });

  it('NumbersMetric adds metrics of the dictionary', () => {
    const { definitions, problems } = loadDictionary(
      [
        file('a.yml', { key_path: 'counts.issues' }),
        file('b.yml', { key_path: 'counts.notes', ...dbOptions({ table: 'notes' }) }),
        file('c.yml', {
          key_path: 'counts.total',
          instrumentation_class: 'NumbersMetric',
          options: { operation: 'add', metrics: ['counts.issues', 'counts.notes'] },
        }),
      ],
      definitionKinds,
    );
    expect(problems).toEqual([]);
    expect(definitions[2]?.spec).toEqual({ kind: 'add', keyPaths: ['counts.issues', 'counts.notes'] });
  });

  it('a database aggregate refers to estimate_distinct_count metrics of its time frame', () => {
    const estimate = (key: string, timeFrame: string) =>
      file(`${key}.yml`, {
        key_path: key,
        time_frame: timeFrame,
        ...dbOptions({ operation: 'estimate_distinct_count', column: 'author_id' }),
      });
    const aggregate = (events: string[]) =>
      file('agg.yml', {
        key_path: 'counts.agg',
        time_frame: '28d',
        instrumentation_class: 'AggregatedMetric',
        options: { aggregate: { operator: 'OR' }, events },
      });
    const good = loadDictionary(
      [estimate('counts.a', '28d'), estimate('counts.b', '28d'), aggregate(['counts.a', 'counts.b'])],
      definitionKinds,
    );
    expect(good.problems).toEqual([]);
    expect(good.definitions[2]?.spec).toEqual({
      kind: 'aggregated',
      source: 'database',
      operator: 'OR',
      events: ['counts.a', 'counts.b'],
    });

    const bad = loadDictionary(
      [
        estimate('counts.a', '28d'),
        estimate('counts.b', '7d'),
        aggregate(['counts.a', 'counts.b', 'counts.c']),
      ],
      definitionKinds,
    );
    expect(bad.problems.map((p) => [p.file, p.keyPath, p.field, p.message])).toEqual([
      [
        'agg.yml',
        'counts.agg',
        '/options/events/1',
        'refers to "counts.b" with time_frame 7d; expected the aggregate\'s time_frame 28d',
      ],
      [
        'agg.yml',
        'counts.agg',
        '/options/events/2',
        'refers to "counts.c", which is not a key_path of this dictionary (database aggregation merges estimate_distinct_count sketches)',
      ],
    ]);
    expect(bad.definitions.map((d) => d.keyPath)).toEqual(['counts.a', 'counts.b']);
  });
});

describe('lifecycle, categories and time frames', () => {
  it.each([
    ['data_available', 'active'],
    ['implemented', 'active'],
    ['not_used', 'deprecated'],
    ['deprecated', 'deprecated'],
    ['broken', 'broken'],
  ])('status %s is read as %s', (status, expected) => {
    expect(loadOne({ status, repair_issue_url: 'https://gitlab.example/issues/1' }).status).toBe(expected);
  });

  it.each([
    ['Operational', 'operational'],
    ['SUBSCRIPTION', 'subscription'],
    [undefined, 'optional'],
  ])('data_category %s is %s', (category, expected) => {
    const definition =
      category === undefined ? loadOne({}, ['data_category']) : loadOne({ data_category: category });
    expect(definition.dataCategory).toBe(expected);
  });

  it('expands an array time frame into suffixed key_paths', () => {
    const { definitions } = loadDictionary(
      [file('a.yml', { time_frame: ['7d', '28d', 'all'] })],
      definitionKinds,
    );
    expect(definitions.map((d) => [d.keyPath, d.timeFrame])).toEqual([
      ['counts.issues_weekly', '7d'],
      ['counts.issues_monthly', '28d'],
      ['counts.issues', 'all'],
    ]);
  });
});

describe('payloadDefinitions and definitionsToYaml', () => {
  const { definitions } = loadDictionary(
    [
      file('a.yml', { key_path: 'counts.a', time_frame: ['7d', '28d'] }),
      file('b.yml', { key_path: 'counts.b', data_category: 'operational', status: 'not_used' }),
      file('c.yml', {
        key_path: 'counts.c',
        status: 'removed',
        milestone_removed: '16.0',
        removed_by_url: null,
      }),
      file('d.yml', {
        key_path: 'counts.d',
        data_category: 'subscription',
        status: 'broken',
        repair_issue_url: 'https://gitlab.example/issues/2',
      }),
    ],
    definitionKinds,
  );

  it.each([
    [
      ['optional', 'operational', 'subscription', 'standard'],
      ['counts.a_weekly', 'counts.a_monthly', 'counts.b', 'counts.d'],
    ],
    [['operational'], ['counts.b']],
    [[], []],
  ] as const)('categories %j send %j', (categories, keyPaths) => {
    expect(payloadDefinitions(definitions, categories).map((d) => d.keyPath)).toEqual(keyPaths);
  });

  it('exports one raw document per file, with file_path when asked', () => {
    const withPaths = parse(definitionsToYaml(definitions, { includePaths: true })) as Doc[];
    expect(withPaths.map((d) => [d.key_path, d.file_path, d.time_frame])).toEqual([
      ['counts.a', 'a.yml', ['7d', '28d']],
      ['counts.b', 'b.yml', 'all'],
      ['counts.c', 'c.yml', 'all'],
      ['counts.d', 'd.yml', 'all'],
    ]);
    expect(withPaths[1]?.status).toBe('not_used');
    const without = parse(definitionsToYaml(definitions, { includePaths: false })) as Doc[];
    expect(without.some((d) => 'file_path' in d)).toBe(false);
    expect(without).toHaveLength(4);
  });
});
