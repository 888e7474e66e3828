/**
 * Definitions written the way GitLab writes them today (and one file of each older generation),
 * covering every declarative kind and the compatibility rules of issue #18: attribute-only
 * aggregates, LicenseMetric's `attribute`, classes named with their module,
 * `introduced_by_url: null`, `data_source: ruby`.
 */
import { join } from 'node:path';
import { loadDictionary, schemaGeneration, type MetricSpec } from '@servping/shared';
import { definitionKinds, KINDS } from '../../src/kinds/kinds';
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

  it('loads every declarative kind', () => {
    const declarative = Object.keys(KINDS).filter((kind) => kind !== 'unsupported');
    expect([...new Set(definitions.map((d) => d.spec.kind))].sort()).toEqual(declarative.sort());
  });

  it('tells the schema generations apart', () => {
    const generationOf = (keyPath: string) =>
      schemaGeneration(definitions.find((d) => d.keyPath === keyPath)?.raw ?? {});
    expect([
      generationOf('license_md5'),
      generationOf('redis_hll_counters.code_review.i_code_review_user_approve_weekly'),
      generationOf('license_plan'),
    ]).toEqual(['tiers', 'distribution_tier', 'first']);
  });
});
