import type { Knex } from 'knex';
import type { BackgroundSnapshotRepository } from './background-snapshot.repository';
import { KEY_VALUE_OF_PING } from './metric-values-sql';

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

/** A row of metricSeries' statement: a point or a version summary, the other's columns NULL. */
type SeriesRow = { kind: 'point' | 'version' } & SeriesPoint & VersionSummary;

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

/** The analysts' reads of metric values and timings, and the slowest-metrics snapshot behind them. */
export class MetricAnalyticsRepository {
  constructor(
    private readonly db: Knex,
    private readonly snapshots: Pick<BackgroundSnapshotRepository, 'refreshUnderLock'>,
  ) {}

  /**
   * One metric's numeric values across instances and versions over time, plus a per-version summary,
   * from the metric's values in ping_metric_values (bounded at ingest, so avg() stays finite).
   *
   * One statement reads the window's values once (MATERIALIZED) for both answers: reading a value
   * means fetching the ping's TOASTed key and value arrays, the whole cost of this route, and two
   * statements read them twice (1.5 s at 10 000 pings). The points and the summary rows come back as
   * one result, told apart by `kind` (a UNION ALL's branches are returned in order).
   */
  async metricSeries(options: {
    keyPath: readonly string[];
    since: Date;
    until: Date;
    limit: number;
  }): Promise<{ points: SeriesPoint[]; byVersion: VersionSummary[] }> {
    const result = await this.db.raw<{ rows: Array<SeriesRow> }>(
      `WITH series AS MATERIALIZED (
         SELECT u.id, u.uuid, u.version, u.instance_id, u.recorded_at, v.value
           FROM usage_data u
           ${KEY_VALUE_OF_PING}
          WHERE v.value IS NOT NULL AND u.recorded_at >= ? AND u.recorded_at < ?)
       (SELECT 'point' AS kind, id::int AS usage_data_id, uuid, version, recorded_at, value,
               NULL::int AS instances, NULL::int AS pings, NULL::float8 AS min, NULL::float8 AS avg,
               NULL::float8 AS max
          FROM series
         ORDER BY recorded_at, id
         LIMIT ?)
       UNION ALL
       (SELECT 'version', NULL, NULL, version, NULL, NULL, count(DISTINCT instance_id)::int, count(*)::int,
               min(value), avg(value), max(value)
          FROM series
         GROUP BY version
         ORDER BY version)`,
      [options.keyPath.join('.'), options.since, options.until, options.limit],
    );
    const points: SeriesPoint[] = [];
    const byVersion: VersionSummary[] = [];
    for (const row of result.rows) {
      if (row.kind === 'point') {
        const { usage_data_id, uuid, version, recorded_at, value } = row;
        points.push({ usage_data_id, uuid, version, recorded_at, value });
      } else {
        const { version, instances, pings, min, avg, max } = row;
        byVersion.push({ version, instances, pings, min, avg, max });
      }
    }
    return { points, byVersion };
  }

  /**
   * The metrics that fail most and the slowest, by version.
   *
   * Failures: pings received since `since` whose value is < 0 (GitLab's fallbacks), over the
   * version's pings received since then; read from each ping's failed_key_ids (small and stored
   * inline, apart from the compressed value arrays), so the cost follows the failures, not the
   * payload sizes. Slowest: from the last snapshot (see
   * refreshTimingSnapshot), whose window is its own `since`.
   */
  async metricHealth(options: {
    since: Date;
    limit: number;
  }): Promise<{ failures: FailureRate[]; slowest: TimingPercentiles[]; slowestComputedAt: Date | null }> {
    const failures = await this.db.raw<{ rows: FailureRate[] }>(
      `WITH recent AS (SELECT id, version FROM usage_data WHERE received_at >= ?),
            pings AS (SELECT version, count(*) AS pings FROM recent GROUP BY version),
            failed AS (
              SELECT r.version, v.key_id, count(*) AS failures
                FROM recent r
                JOIN ping_metric_values p ON p.usage_data_id = r.id
                CROSS JOIN LATERAL unnest(p.failed_key_ids) AS v(key_id)
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
    const slowest = await this.db.raw<{ rows: TimingPercentiles[] }>(
      `SELECT version, key_path, samples, errors, p50_s, p95_s
         FROM metric_timing_snapshot
        ORDER BY p95_s DESC, key_path, version
        LIMIT ?`,
      [options.limit],
    );
    const state = await this.db.raw<{ rows: Array<{ computed_at: Date }> }>(
      'SELECT computed_at FROM metric_timing_snapshot_state',
    );
    return {
      failures: failures.rows,
      slowest: slowest.rows,
      slowestComputedAt: state.rows[0]?.computed_at ?? null,
    };
  }

  /**
   * Recomputes the slowest-metrics snapshot: p50/p95 of time_elapsed per version and metric over
   * the reports received since `since`, by one replica at a time (see refreshUnderLock).
   */
  async refreshTimingSnapshot(options: { since: Date; now: Date; wait: boolean }): Promise<boolean> {
    return this.snapshots.refreshUnderLock(
      { lockName: 'metric_timing_snapshot', wait: options.wait },
      async (trx) => {
        await trx.raw('DELETE FROM metric_timing_snapshot');
        await trx.raw(
          `INSERT INTO metric_timing_snapshot (version, key_path, samples, errors, p50_s, p95_s)
         SELECT coalesce(m.version, 'unknown'), t.name, count(*), count(t.error),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY t.time_elapsed_s),
                percentile_cont(0.95) WITHIN GROUP (ORDER BY t.time_elapsed_s)
           FROM usage_ping_metric_timings t
           JOIN usage_ping_metadata m ON m.id = t.metadata_id
          WHERE m.received_at >= ?
          GROUP BY 1, 2`,
          [options.since],
        );
        await trx.raw(
          `INSERT INTO metric_timing_snapshot_state (id, since, computed_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET since = EXCLUDED.since, computed_at = EXCLUDED.computed_at`,
          [options.since, options.now],
        );
      },
    );
  }
}
