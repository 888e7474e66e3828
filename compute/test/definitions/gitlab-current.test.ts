/**
 * Definitions written the way GitLab writes them today (and a first-generation license file),
 * each covering one compatibility rule of issue #18: attribute-only aggregates, LicenseMetric's
 * `attribute`, classes named with their module, `introduced_by_url: null`, `data_source: ruby`.
 */
import { join } from 'node:path';
import { loadDictionary, schemaGeneration, type MetricSpec } from '@servping/shared';
import { definitionKinds } from '../../src/kinds/kinds';
import { fixtureFiles } from '../support/fixture-files';

const files = fixtureFiles(join(__dirname, '../../../shared/test/fixtures/gitlab-current'));
const { definitions, problems } = loadDictionary(files, definitionKinds);

describe('GitLab current-format fixtures', () => {
  it('load without a problem, none unsupported', () => {
    expect(problems).toEqual([]);
    expect(definitions.filter((d) => d.spec.kind === 'unsupported')).toEqual([]);
  });

  it.each<[string, MetricSpec]>([
    [
      'counts_weekly.aggregated_metrics.code_review_users',
      {
        kind: 'aggregated',
        source: 'redis_hll',
        operator: 'OR',
        events: ['i_code_review_user_create_note', 'i_code_review_user_approve'],
      },
    ],
    [
      'redis_hll_counters.quickactions.i_quickactions_approve_monthly',
      { kind: 'redis_hll', events: ['i_quickactions_approve'] },
    ],
    ['license_md5', { kind: 'license', field: 'md5' }],
    ['license_plan', { kind: 'license', field: 'plan' }],
  ])('%s', (keyPath, spec) => {
    expect(definitions.find((d) => d.keyPath === keyPath)?.spec).toEqual(spec);
  });

  it('tells the schema generations apart', () => {
    const generationOf = (keyPath: string) =>
      schemaGeneration(definitions.find((d) => d.keyPath === keyPath)?.raw ?? {});
    expect([generationOf('license_md5'), generationOf('license_plan')]).toEqual(['tiers', 'first']);
  });
});
