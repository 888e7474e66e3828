/**
 * Internal Events in the dictionary: metrics over the events of the event dictionary (GitLab's
 * config/events), and the problems that name file, key_path and field when they disagree.
 */
import { expect } from '@jest/globals';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadDictionary } from '@servping/shared';
import { definitionKinds } from '../../src/kinds/kinds';
import { fixtureFiles } from '../support/fixture-files';

const files = fixtureFiles(join(__dirname, '../../../shared/test/fixtures/gitlab-current'));

const METRIC = {
  key_path: 'counts.runners',
  description: 'Runners',
  product_group: 'runner',
  value_type: 'number',
  status: 'active',
  milestone: '17.2',
  introduced_by_url: 'https://gitlab.example/mr/1',
  time_frame: '28d',
  data_source: 'internal_events',
  data_category: 'optional',
  tiers: ['free'],
  events: [{ name: 'create_ci_runner' }],
};
const EVENT = {
  description: 'Registered',
  action: 'create_ci_runner',
  identifiers: ['user'],
  additional_properties: { label: { description: 'scope' } },
  product_group: 'runner',
  milestone: '17.2',
  introduced_by_url: 'https://gitlab.example/mr/1',
  tiers: ['free'],
};

const load = (metric: Record<string, unknown>, event: Record<string, unknown> = EVENT) =>
  loadDictionary(
    [
      { path: 'counts_28d/m.yml', text: stringify({ ...METRIC, ...metric }) },
      { path: 'events/e.yml', text: stringify(event) },
    ],
    definitionKinds,
  );

describe('Internal Events metrics', () => {
  const { definitions, events, problems } = loadDictionary(files, definitionKinds);
  const specOf = (keyPath: string) => definitions.find((d) => d.keyPath === keyPath)?.spec;

  it('load from the current-format fixtures with their events', () => {
    expect(problems).toEqual([]);
    expect(events.map((e) => e.action).sort()).toEqual(['create_ci_runner', 'view_ci_runner_fleet']);
    expect(events.find((e) => e.action === 'view_ci_runner_fleet')?.properties).toEqual({
      label: 'string',
      tab_name: 'string',
    });
  });

  it.each([
    ['counts.count_total_create_ci_runner', 'total', [{ event: 'create_ci_runner', filter: {} }]],
    ['counts.count_total_create_ci_runner_monthly', 'total', [{ event: 'create_ci_runner', filter: {} }]],
    [
      'counts.count_distinct_user_id_from_create_ci_runner_weekly',
      'unique',
      [{ event: 'create_ci_runner', filter: {}, unique: 'user.id' }],
    ],
    [
      'counts.count_distinct_project_id_from_create_ci_runner_group_type',
      'unique',
      [{ event: 'create_ci_runner', filter: { label: 'group_type', property: 'api' }, unique: 'project.id' }],
    ],
    [
      'counts.count_total_view_ci_runner_fleet_jobs_tab',
      'total',
      [{ event: 'view_ci_runner_fleet', filter: { tab_name: 'jobs' } }],
    ],
  ])('%s is a %s', (keyPath, operation, selections) => {
    expect(specOf(keyPath)).toEqual({ kind: 'internal_events', operation, selections });
  });

  it('unites Internal Events in an AggregatedMetric', () => {
    expect(specOf('counts.aggregated_metrics.runner_fleet_users_monthly')).toEqual({
      kind: 'aggregated',
      source: 'internal_events',
      operator: 'OR',
      events: ['create_ci_runner', 'view_ci_runner_fleet'],
      unique: 'user.id',
    });
  });

  it.each([
    [
      { events: [{ name: 'delete_ci_runner' }] },
      EVENT,
      '/events/0/name',
      /'delete_ci_runner' is not defined in the event dictionary/,
    ],
    [
      { events: [{ name: 'create_ci_runner', filter: { colour: 'red' } }] },
      EVENT,
      '/events/0/filter/colour',
      /no additional property 'colour' \(events\/e.yml\)/,
    ],
    [
      { events: [{ name: 'create_ci_runner', unique: 'project.id' }] },
      EVENT,
      '/events/0/unique',
      /not tracked with project.id/,
    ],
    [
      { events: [{ name: 'create_ci_runner', unique: 'user.id' }, { name: 'create_ci_runner' }] },
      EVENT,
      '/events',
      /same unique attribute, or none; got user.id, none/,
    ],
    [
      { time_frame: 'all', events: [{ name: 'create_ci_runner', unique: 'user.id' }] },
      EVENT,
      '/time_frame',
      /a unique count needs a 7d or 28d window/,
    ],
    [
      { instrumentation_class: 'TotalCountMetric' },
      EVENT,
      '/instrumentation_class',
      /not allowed here \(internal_events metrics are defined by their events/,
    ],
  ])('refuses %j', (metric, event, field, message) => {
    const { problems } = load(metric, event);
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'counts_28d/m.yml',
        keyPath: 'counts.runners',
        field,
        message: expect.stringMatching(message),
      }),
    ]);
  });

  it('names the aggregate attribute an event is not tracked with', () => {
    const { problems } = load({
      instrumentation_class: 'AggregatedMetric',
      options: { aggregate: { attribute: 'project.id' }, events: ['create_ci_runner'] },
      events: undefined,
    });
    expect(problems).toEqual([
      expect.objectContaining({
        field: '/options/aggregate/attribute',
        message: expect.stringMatching(/not tracked with project.id/),
      }),
    ]);
  });

  it('names the event file, action and field of a bad event definition', () => {
    const { problems } = load({}, { ...EVENT, identifiers: ['robot'] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'events/e.yml',
          keyPath: 'create_ci_runner',
          field: '/identifiers/0',
        }),
      ]),
    );
  });

  it('reports sum(value) metrics as unsupported', () => {
    const { definitions } = load({ events: [{ name: 'create_ci_runner', operator: 'sum(value)' }] });
    expect(definitions[0]?.spec).toEqual({
      kind: 'unsupported',
      reason: expect.stringMatching(/^operator sum\(value\)/),
    });
  });
});
