import type { Knex } from 'knex';

export interface SeriesPoint {
  usage_data_id: number;
  uuid: string;
  version: string;
  recorded_at: Date;
  value: number;
}

export interface VersionSummary {
  version: string;
  instances: number;
  pings: number;
  min: number;
  avg: number;
  max: number;
}

/**
 * One metric's numeric values across instances and versions over time, plus a per-version summary,
 * from the metric's rows in metric_values (values are bounded at ingest, so avg() stays finite).
 */
export async function metricSeries(
  db: Knex,
  options: { keyPath: readonly string[]; since: Date; until: Date; limit: number },
): Promise<{ points: SeriesPoint[]; byVersion: VersionSummary[] }> {
  const filtered = `FROM metric_values v
       JOIN usage_data u ON u.id = v.usage_data_id
      WHERE v.key_id = (SELECT id FROM metric_keys WHERE key_path = ?)
        AND u.recorded_at >= ? AND u.recorded_at < ?`;
  const params = [options.keyPath.join('.'), options.since, options.until];
  const points = await db.raw<{ rows: SeriesPoint[] }>(
    `SELECT u.id::int AS usage_data_id, u.uuid, u.version, u.recorded_at, v.value
       ${filtered}
      ORDER BY u.recorded_at, u.id
      LIMIT ?`,
    [...params, options.limit],
  );
  const byVersion = await db.raw<{ rows: VersionSummary[] }>(
    `SELECT u.version, count(DISTINCT u.instance_id)::int AS instances, count(*)::int AS pings,
            min(v.value) AS min, avg(v.value) AS avg, max(v.value) AS max
       ${filtered}
      GROUP BY u.version
      ORDER BY u.version`,
    params,
  );
  return { points: points.rows, byVersion: byVersion.rows };
}

export interface FailureRate {
  version: string;
  key_path: string;
  pings: number;
  failures: number;
  failure_rate: number;
}

export interface TimingPercentiles {
  version: string;
  key_path: string;
  samples: number;
  errors: number;
  p50_s: number;
  p95_s: number;
}

/**
 * The metrics that fail most and the slowest, by version, over what was received since `since`.
 *
 * Failures: pings whose value is < 0 (GitLab's fallbacks), over the version's pings received in
 * the window; read through the partial index of failed values, so the cost follows the failures,
 * not the payload sizes. Slowest: p50/p95 of time_elapsed from the weekly log-scale buckets
 * (metric_timing_buckets; weeks starting on or after the week of `since`), each percentile the
 * upper bound of the bucket holding it: at most 19 % above the exact value.
 */
export async function metricHealth(
  db: Knex,
  options: { since: Date; limit: number },
): Promise<{ failures: FailureRate[]; slowest: TimingPercentiles[] }> {
  const failures = await db.raw<{ rows: FailureRate[] }>(
    `WITH recent AS (SELECT id, version FROM usage_data WHERE received_at >= ?),
          pings AS (SELECT version, count(*) AS pings FROM recent GROUP BY version),
          failed AS (
            SELECT r.version, v.key_id, count(*) AS failures
              FROM recent r JOIN metric_values v ON v.usage_data_id = r.id AND v.value < 0
             GROUP BY r.version, v.key_id)
     SELECT f.version, k.key_path, p.pings::int AS pings, f.failures::int AS failures,
            round(f.failures::numeric / p.pings, 4)::float8 AS failure_rate
       FROM failed f
       JOIN pings p USING (version)
       JOIN metric_keys k ON k.id = f.key_id
      ORDER BY failure_rate DESC, failures DESC, k.key_path, f.version
      LIMIT ?`,
    [options.since, options.limit],
  );
  const slowest = await db.raw<{ rows: TimingPercentiles[] }>(
    `WITH buckets AS (
            SELECT version, key_id, bucket, sum(samples) AS samples, sum(errors) AS errors
              FROM metric_timing_buckets
             WHERE week >= date_trunc('week', ?::timestamptz)::date
             GROUP BY version, key_id, bucket),
          running AS (
            SELECT version, key_id, bucket, errors,
                   sum(samples) OVER (PARTITION BY version, key_id ORDER BY bucket) AS below,
                   sum(samples) OVER (PARTITION BY version, key_id) AS total
              FROM buckets)
     SELECT r.version, k.key_path, r.total::int AS samples, sum(r.errors)::int AS errors,
            metric_timing_bucket_upper_s(min(r.bucket) FILTER (WHERE r.below >= 0.5 * r.total)) AS p50_s,
            metric_timing_bucket_upper_s(min(r.bucket) FILTER (WHERE r.below >= 0.95 * r.total)) AS p95_s
       FROM running r
       JOIN metric_keys k ON k.id = r.key_id
      GROUP BY r.version, k.key_path, r.total
      ORDER BY p95_s DESC, k.key_path, r.version
      LIMIT ?`,
    [options.since, options.limit],
  );
  return { failures: failures.rows, slowest: slowest.rows };
}
