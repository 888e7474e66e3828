import type { Knex } from 'knex';
import { KEY_VALUE_OF_PING } from './metric-values-sql';

const WEEKS = `generate_series(date_trunc('week', ?::timestamptz) - make_interval(weeks => ? - 1),
                               date_trunc('week', ?::timestamptz), interval '1 week') AS w(week)`;
const IN_WEEK = `u.recorded_at >= w.week AND u.recorded_at < w.week + interval '1 week'`;

/** The dashboard's fleet charts: reporting instances, versions, a metric's adoption and sum per week. */
export class DashboardRepository {
  constructor(private readonly db: Knex) {}

  /** Distinct instances with a ping recorded in each of the last `weeks` ISO weeks (0 for silent weeks). */
  async reportingInstancesByWeek(options: {
    now: Date;
    weeks: number;
  }): Promise<Array<{ week: string; instances: number }>> {
    const result = await this.db.raw<{ rows: Array<{ week: string; instances: number }> }>(
      `SELECT to_char(w.week, 'YYYY-MM-DD') AS week, count(DISTINCT u.instance_id)::int AS instances
         FROM ${WEEKS}
         LEFT JOIN usage_data u ON ${IN_WEEK}
        GROUP BY w.week ORDER BY w.week`,
      [options.now, options.weeks, options.now],
    );
    return result.rows;
  }

  /** How many instances that reported within `days` run each version (their latest). */
  async versionDistribution(options: {
    now: Date;
    days: number;
    limit: number;
  }): Promise<Array<{ version: string; instances: number }>> {
    const result = await this.db.raw<{ rows: Array<{ version: string; instances: number }> }>(
      `SELECT last_version AS version, count(*)::int AS instances
         FROM instances
        WHERE last_ping_at >= ?::timestamptz - make_interval(days => ?)
        GROUP BY last_version
        ORDER BY instances DESC, version
        LIMIT ?`,
      [options.now, options.days, options.limit],
    );
    return result.rows;
  }

  /**
   * Per week: instances reporting, and how many of them reported a value > 0 for the metric. Reads
   * the metric's values in ping_metric_values (extracted at ingest), never the payloads.
   */
  async metricAdoptionByWeek(options: {
    now: Date;
    weeks: number;
    keyPath: readonly string[];
  }): Promise<Array<{ week: string; reporting: number; adopting: number }>> {
    const result = await this.db.raw<{ rows: Array<{ week: string; reporting: number; adopting: number }> }>(
      `SELECT to_char(w.week, 'YYYY-MM-DD') AS week,
              count(DISTINCT u.instance_id)::int AS reporting,
              count(DISTINCT u.instance_id) FILTER (WHERE v.value > 0)::int AS adopting
         FROM ${WEEKS}
         LEFT JOIN usage_data u ON ${IN_WEEK}
         ${KEY_VALUE_OF_PING}
        GROUP BY w.week ORDER BY w.week`,
      [options.now, options.weeks, options.now, options.keyPath.join('.')],
    );
    return result.rows;
  }

  /**
   * Per week: the sum of the metric's values over the instances reporting, each instance's last ping
   * of the week counted once (fallbacks below 0 left out). Charts counts such as Internal Events
   * totals and unique users across the fleet.
   */
  async metricSumByWeek(options: {
    now: Date;
    weeks: number;
    keyPath: readonly string[];
  }): Promise<Array<{ week: string; total: number }>> {
    const result = await this.db.raw<{ rows: Array<{ week: string; total: number }> }>(
      `SELECT to_char(w.week, 'YYYY-MM-DD') AS week,
              coalesce(sum(v.value) FILTER (WHERE v.value >= 0), 0)::float8 AS total
         FROM ${WEEKS}
         LEFT JOIN LATERAL (
           SELECT DISTINCT ON (u.instance_id) u.id
             FROM usage_data u
            WHERE ${IN_WEEK}
            ORDER BY u.instance_id, u.recorded_at DESC) u ON true
         ${KEY_VALUE_OF_PING}
        GROUP BY w.week ORDER BY w.week`,
      [options.now, options.weeks, options.now, options.keyPath.join('.')],
    );
    return result.rows;
  }
}
