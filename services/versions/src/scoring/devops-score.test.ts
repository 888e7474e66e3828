import { computeDevopsScore, DEVOPS_METRICS, perUserValues, type PerUserValues } from './devops-score';

const zeros = (): PerUserValues => Object.fromEntries(DEVOPS_METRICS.map((m) => [m, 0])) as PerUserValues;
const values = (partial: Partial<PerUserValues>): PerUserValues => ({ ...zeros(), ...partial });

describe('perUserValues', () => {
  it.each([
    [
      'divides counts by active users',
      { active_user_count: 10, counts: { issues: 32, notes: 5 } },
      { issues: 3.2, notes: 0.5 },
    ],
    [
      'sums internal and external pipelines',
      { active_user_count: 4, counts: { ci_internal_pipelines: 6, ci_external_pipelines: 2 } },
      { ci_pipelines: 2 },
    ],
    [
      'prefers counts.ci_pipelines when present',
      { active_user_count: 4, counts: { ci_pipelines: 4, ci_internal_pipelines: 100 } },
      { ci_pipelines: 1 },
    ],
    [
      'treats fallbacks as 0',
      { active_user_count: 5, counts: { issues: -1, boards: -1000, deployments: '7' } },
      {},
    ],
    ['no active users: all 0', { active_user_count: 0, counts: { issues: 50 } }, {}],
    ['no counts: all 0', { active_user_count: 3 }, {}],
  ])('%s', (_name, payload, expected) => {
    expect(perUserValues(payload)).toEqual(values(expected));
  });
});

describe('computeDevopsScore', () => {
  it("reproduces GitLab's published example: instance 3.2, leader 10.2 → 31.37 %", () => {
    const score = computeDevopsScore(values({ issues: 3.2 }), [values({ issues: 10.2 })]);
    expect([score.leader_issues, score.instance_issues, score.percentage_issues]).toEqual([10.2, 3.2, 31.37]);
  });

  it.each([
    ['the instance is the leader', 12, [3, 7], 12, 100],
    ['a third of the leader', 1, [3], 3, 33.33],
    ['two thirds, rounded half up', 2, [3], 3, 66.67],
    ['nobody uses the feature', 0, [0, 0], 0, 0],
    ['no other instance', 0.5, [], 0.5, 100],
    ['per-user value rounded to 4 decimals', 1 / 3, [2 / 3], 0.6667, 50],
  ])('%s', (_name, own, others, leader, percentage) => {
    const score = computeDevopsScore(
      values({ merge_requests: own }),
      others.map((o) => values({ merge_requests: o })),
    );
    expect(score.leader_merge_requests).toBe(leader);
    expect(score.percentage_merge_requests).toBe(percentage);
  });

  it('returns all thirty GitLab METRICS keys', () => {
    expect(Object.keys(computeDevopsScore(zeros(), []))).toHaveLength(30);
  });
});
