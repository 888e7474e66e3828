/**
 * Every real GitLab definition in shared/test/fixtures/gitlab-definitions (copied from GitLab's
 * metric dictionary, `config/metrics/<time frame>/`) must load; this table pins down which of them
 * servping computes and, for the rest, why not.
 */
import { join } from 'node:path';
import { loadDictionary, type MetricSpec } from '@servping/shared';
import { definitionKinds } from '../../src/kinds/kinds';
import { fixtureFiles } from '../support/fixture-files';

const files = fixtureFiles(join(__dirname, '../../../shared/test/fixtures/gitlab-definitions'));

const RUBY_ONLY = /^no instrumentation_class and no options\.operation/;
const REMOVED = 'removed metric without instrumentation: never computed';

const expected: [
  file: string,
  keyPath: string,
  status: string,
  category: string,
  spec: Partial<MetricSpec> | RegExp,
][] = [
  [
    'counts_all/20210216174834_merge_requests.yml',
    'counts.merge_requests',
    'active',
    'operational',
    RUBY_ONLY,
  ],
  ['counts_all/20210216175055_ci_builds.yml', 'counts.ci_builds', 'active', 'operational', RUBY_ONLY],
  [
    'counts_28d/20210216175405_ci_pipelines.yml',
    'usage_activity_by_stage_monthly.verify.ci_pipelines',
    'active',
    'optional',
    RUBY_ONLY,
  ],
  [
    'counts_28d/20210216180330_events.yml',
    'usage_activity_by_stage_monthly.manage.events',
    'active',
    'optional',
    RUBY_ONLY,
  ],
  [
    'counts_all/20210216175240_source_code_pushes.yml',
    'counts.source_code_pushes',
    'active',
    'optional',
    /^legacy option counter_class SourceCodeCounter/,
  ],
  [
    'counts_all/20210216180224_cycle_analytics_views.yml',
    'counts.cycle_analytics_views',
    'active',
    'optional',
    /^legacy Redis counter without instrumentation_class RedisMetric/,
  ],
  [
    'counts_7d/20210216182040_i_quickactions_approve_weekly.yml',
    'redis_hll_counters.quickactions.i_quickactions_approve_weekly',
    'active',
    'optional',
    { kind: 'redis_hll', events: ['i_quickactions_approve'] },
  ],
  [
    'counts_28d/20210216180556_incident_management_alert_status_changed_monthly.yml',
    'redis_hll_counters.incident_management.incident_management_alert_status_changed_monthly',
    'active',
    'optional',
    { kind: 'redis_hll', events: ['incident_management_alert_status_changed'] },
  ],
  [
    'counts_7d/20210216180626_incident_management_alerts_total_unique_counts.yml',
    'counts_weekly.aggregated_metrics.incident_management_alerts_total_unique_counts',
    'active',
    'optional',
    {
      kind: 'redis_hll',
      events: [
        'incident_management_alert_status_changed',
        'incident_management_alert_assigned',
        'incident_management_alert_todo',
        'incident_management_alert_create_incident',
      ],
    },
  ],
  ['license/20210201124930_uuid.yml', 'uuid', 'active', 'standard', { kind: 'system', fact: 'uuid' }],
  [
    'settings/20210216175604_installation_type.yml',
    'installation_type',
    'active',
    'optional',
    { kind: 'system', fact: 'installation_type' },
  ],
  [
    'settings/20210204124928_gitaly_version.yml',
    'gitaly.version',
    'active',
    'operational',
    /^no instrumentation_class for data_source system/,
  ],
  ['license/20210204124924_active_user_count.yml', 'active_user_count', 'active', 'optional', RUBY_ONLY],
  [
    'counts_all/20210216175520_pod_logs_usages_total.yml',
    'counts.pod_logs_usages_total',
    'removed',
    'optional',
    new RegExp(`^${REMOVED}$`),
  ],
  [
    'counts_all/20210216175512_clusters_applications_helm.yml',
    'counts.clusters_applications_helm',
    'removed',
    'optional',
    new RegExp(`^${REMOVED}$`),
  ],
  [
    'counts_28d/20210216175055_merge_requests.yml',
    'usage_activity_by_stage_monthly.create.merge_requests',
    'removed',
    'optional',
    new RegExp(`^${REMOVED}$`),
  ],
  [
    'counts_28d/20210216181004_g_analytics_contribution_monthly.yml',
    'redis_hll_counters.analytics.g_analytics_contribution_monthly',
    'active',
    'optional',
    /^legacy Redis counter/,
  ],
];

describe('GitLab §13 fixtures', () => {
  const { definitions, problems } = loadDictionary(files, definitionKinds);

  it('holds the 19 examples and loads all of them without a problem', () => {
    expect(files).toHaveLength(19);
    expect(problems).toEqual([]);
    expect(definitions).toHaveLength(19);
  });

  it.each(expected)('%s → %s', (file, keyPath, status, category, spec) => {
    const definition = definitions.find((d) => d.file === file);
    expect(definition).toBeDefined();
    expect(definition?.keyPath).toBe(keyPath);
    expect(definition?.status).toBe(status);
    expect(definition?.dataCategory).toBe(category);
    if (spec instanceof RegExp) {
      expect(definition?.spec.kind).toBe('unsupported');
      expect(definition?.spec.kind === 'unsupported' && definition.spec.reason).toMatch(spec);
    } else {
      expect(definition?.spec).toEqual(spec);
    }
  });

  it('resolves the 29-event union (example 9) and the OR aggregate (example 10)', () => {
    const union = definitions.find(
      (d) => d.keyPath === 'analytics_unique_visits.analytics_unique_visits_for_any_target_monthly',
    );
    expect(union?.spec.kind === 'redis_hll' && union.spec.events.length).toBe(29);
    expect(union?.timeFrame).toBe('28d');
    const aggregate = definitions.find(
      (d) => d.keyPath === 'redis_hll_counters.analytics.analytics_total_unique_counts_monthly',
    );
    expect(aggregate?.spec.kind).toBe('aggregated');
    if (aggregate?.spec.kind === 'aggregated') {
      expect([aggregate.spec.source, aggregate.spec.operator, aggregate.spec.events.length]).toEqual([
        'redis_hll',
        'OR',
        20,
      ]);
    }
  });

  it('counts 7 executable and 12 unsupported definitions', () => {
    const unsupported = definitions.filter((d) => d.spec.kind === 'unsupported');
    expect(unsupported).toHaveLength(12);
    expect(definitions.length - unsupported.length).toBe(7);
  });

  it('keeps legacy fields: null description with skip_validation, duplicated old tier, null removed_by_url', () => {
    const legacy = definitions.find(
      (d) => d.keyPath === 'redis_hll_counters.analytics.g_analytics_contribution_monthly',
    );
    expect(legacy?.description).toBe('');
    expect(legacy?.productGroup).toBe('group::analytics');
    const removed = definitions.find((d) => d.keyPath === 'counts.pod_logs_usages_total');
    expect(removed?.raw.removed_by_url).toBeNull();
  });
});
