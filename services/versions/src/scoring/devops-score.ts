/**
 * GitLab's DevOps score (the "conversational development index"). For each of ten features an
 * instance's usage per active user is compared with the leader: the highest per-user value among
 * the latest pings of all instances seen in the leader window.
 *
 *   instance_m   = value_m / active_user_count                  (0 when unmeasurable, see below)
 *   leader_m     = max(instance_m, max over other instances' latest instance_m)
 *   percentage_m = leader_m > 0 ? min(100, instance_m / leader_m × 100) : 0
 *
 * Values returned are rounded: per-user values to 4 decimals, percentages to 2 (GitLab's own
 * example: instance 3.2, leader 10.2 → 31.37). Rounding happens after the division.
 */
export const DEVOPS_METRICS = [
  'issues',
  'notes',
  'milestones',
  'boards',
  'merge_requests',
  'ci_pipelines',
  'environments',
  'deployments',
  'projects_prometheus_active',
  'service_desk_issues',
] as const;

export type DevopsMetric = (typeof DEVOPS_METRICS)[number];
export type PerUserValues = Record<DevopsMetric, number>;

/** GitLab's METRICS column names: `leader_<m>`, `instance_<m>`, `percentage_<m>`. */
export type DevopsScore = Record<`${'leader' | 'instance' | 'percentage'}_${DevopsMetric}`, number>;

/**
 * Per-user values of one ping. Reads `active_user_count` and `counts.<metric>`; for
 * `ci_pipelines`, when `counts.ci_pipelines` is absent, the sum of `counts.ci_internal_pipelines`
 * and `counts.ci_external_pipelines` (GitLab's payload splits pipelines by source).
 * A metric that is missing, not a number, or negative (a fallback: -1, -2, -1000) counts as 0:
 * a failed counter must not make an instance a leader, and GitLab's columns are NOT NULL.
 * Without a positive `active_user_count` nothing can be normalised and every value is 0.
 */
export function perUserValues(payload: Record<string, unknown>): PerUserValues {
  const users = payload.active_user_count;
  const counts = isRecord(payload.counts) ? payload.counts : {};
  const out = {} as PerUserValues;
  for (const metric of DEVOPS_METRICS) {
    const raw = metric === 'ci_pipelines' ? ciPipelines(counts) : measured(counts[metric]);
    out[metric] = typeof users === 'number' && users > 0 ? raw / users : 0;
  }
  return out;
}

/**
 * The score of `instance` against `others` (each other instance's latest per-user values). The
 * ingest computes it inside its statement with devops_score() (migration 20261206000100), the
 * same float8 operations in the same order; this is the reference the tests hold that to.
 */
export function computeDevopsScore(instance: PerUserValues, others: readonly PerUserValues[]): DevopsScore {
  const score = {} as DevopsScore;
  for (const metric of DEVOPS_METRICS) {
    const own = instance[metric];
    const leader = others.reduce((max, o) => Math.max(max, o[metric]), own);
    score[`leader_${metric}`] = round(leader, 4);
    score[`instance_${metric}`] = round(own, 4);
    score[`percentage_${metric}`] = leader > 0 ? round(Math.min(100, (own / leader) * 100), 2) : 0;
  }
  return score;
}

function ciPipelines(counts: Record<string, unknown>): number {
  if (counts.ci_pipelines !== undefined) return measured(counts.ci_pipelines);
  return measured(counts.ci_internal_pipelines) + measured(counts.ci_external_pipelines);
}

function measured(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
