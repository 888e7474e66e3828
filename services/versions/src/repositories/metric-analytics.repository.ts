import type { Knex } from 'knex';
import { toTextArrayLiteral } from '../http/query-params';

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

/** One metric's numeric values across instances and versions over time, plus a per-version summary. */
export async function metricSeries(
  db: Knex,
  options: { keyPath: readonly string[]; since: Date; until: Date; limit: number },
): Promise<{ points: SeriesPoint[]; byVersion: VersionSummary[] }> {
  const path = toTextArrayLiteral(options.keyPath);
  const filtered = `FROM usage_data u
      WHERE jsonb_typeof(u.payload #> ?::text[]) = 'number' AND u.recorded_at >= ? AND u.recorded_at < ?`;
  const points = await db.raw<{ rows: SeriesPoint[] }>(
    `SELECT u.id::int AS usage_data_id, u.uuid, u.version, u.recorded_at,
            (u.payload #>> ?::text[])::float8 AS value
       ${filtered}
      ORDER BY u.recorded_at, u.id
      LIMIT ?`,
    [path, path, options.since, options.until, options.limit],
  );
  const byVersion = await db.raw<{ rows: VersionSummary[] }>(
    `SELECT u.version, count(DISTINCT u.instance_id)::int AS instances, count(*)::int AS pings,
            min(v.value) AS min, avg(v.value) AS avg, max(v.value) AS max
       FROM (SELECT u.id, (u.payload #>> ?::text[])::float8 AS value ${filtered}) v
       JOIN usage_data u ON u.id = v.id
      GROUP BY u.version
      ORDER BY u.version`,
    [path, path, options.since, options.until],
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
 * The metrics that fail most (value < 0: GitLab's fallbacks) and the slowest (p95 of the reported
 * time_elapsed), by version, over pings and timings received since `since`.
 */
export async function metricHealth(
  db: Knex,
  options: { since: Date; limit: number },
): Promise<{ failures: FailureRate[]; slowest: TimingPercentiles[] }> {
  const failures = await db.raw<{ rows: FailureRate[] }>(
    `SELECT u.version, l.key_path,
            count(*)::int AS pings,
            count(*) FILTER (WHERE l.value < 0)::int AS failures,
            round(count(*) FILTER (WHERE l.value < 0)::numeric / count(*), 4)::float8 AS failure_rate
       FROM usage_data u
       CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload) l
      WHERE u.received_at >= ?
      GROUP BY u.version, l.key_path
     HAVING count(*) FILTER (WHERE l.value < 0) > 0
      ORDER BY failure_rate DESC, failures DESC, l.key_path, u.version
      LIMIT ?`,
    [options.since, options.limit],
  );
  const slowest = await db.raw<{ rows: TimingPercentiles[] }>(
    `SELECT coalesce(m.version, 'unknown') AS version, t.name AS key_path,
            count(*)::int AS samples,
            count(t.error)::int AS errors,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY t.time_elapsed_s) AS p50_s,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY t.time_elapsed_s) AS p95_s
       FROM usage_ping_metric_timings t
       JOIN usage_ping_metadata m ON m.id = t.metadata_id
      WHERE m.received_at >= ?
      GROUP BY 1, 2
      ORDER BY p95_s DESC, key_path, version
      LIMIT ?`,
    [options.since, options.limit],
  );
  return { failures: failures.rows, slowest: slowest.rows };
}
