// DevOps-score leaders from a snapshot (issue 16). devops_leaders_among_others() took a
// percentile over every instance of the leader window on every ping: a sort of the whole fleet's
// values, ten times, per request, so ingest slowed as the fleet grew. The percentiles are now
// computed in the background (refresh_devops_leader_snapshot(), by one replica at a time, every
// VERSIONS_LEADER_SNAPSHOT_INTERVAL_S) into devops_leader_snapshot, and a ping reads that one row.
//
// "Among others" stays exact for the snapshot: with n candidates sorted ascending (a[1..n]), the
// leader of an instance that is not one of them is a[k(n)], k(n) = ceil(0.9 n) (percentile_disc's
// rank). An instance that is one of them, with value v, is taken out: a[k(n-1)] if v >= a[k(n-1)+1]
// (one of its copies lies above the rank, so removing it leaves the rank in place), else
// a[k(n-1)+1] (it lay at or below the rank, which moves up by one). So the snapshot keeps three
// values per metric, whatever the fleet's size.

const { DEVOPS_METRICS } = require('./20250601000000_versions_tables');
const { LEADER_PERCENTILE, LEADERS_AMONG_OTHERS_SQL } = require('./20251204000000_versions_read_model');

/** The window of the snapshot that migrating computes; the service recomputes it at start with its own. */
const DEFAULT_WINDOW_DAYS = 30;

/** percentile_disc's rank among `n` sorted values (1-based; 0 when n is 0). */
const rank = (n) => `ceil(${LEADER_PERCENTILE}::float8 * (${n}))::integer`;

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    CREATE TABLE devops_leader_snapshot (
      id          integer PRIMARY KEY CHECK (id = 1),
      since       timestamptz NOT NULL,
      computed_at timestamptz NOT NULL,
      ${DEVOPS_METRICS.map(
        (m) => `leader_${m} double precision NOT NULL,
      leader_without_one_${m} double precision NOT NULL,
      next_above_${m} double precision NOT NULL`,
      ).join(',\n      ')}
    );

    -- The candidates are the latest per-user values of the instances whose latest ping was
    -- received since p_now - p_window_days (devops_leader_values; implausible values are stored
    -- as 0, "no candidate"), positive only.
    CREATE FUNCTION refresh_devops_leader_snapshot(p_now timestamptz, p_window_days integer) RETURNS void
    LANGUAGE sql AS $fn$
      WITH candidates AS (
        SELECT ${DEVOPS_METRICS.map(
          (m) => `array_agg(instance_${m} ORDER BY instance_${m}) FILTER (WHERE instance_${m} > 0) AS ${m}`,
        ).join(',\n               ')}
          FROM devops_leader_values
         WHERE received_at >= p_now - make_interval(days => p_window_days))
      INSERT INTO devops_leader_snapshot (id, since, computed_at, ${DEVOPS_METRICS.map(
        (m) => `leader_${m}, leader_without_one_${m}, next_above_${m}`,
      ).join(', ')})
      SELECT 1, p_now - make_interval(days => p_window_days), p_now,
             ${DEVOPS_METRICS.map(
               (m) => `coalesce(c.${m}[${rank(`cardinality(c.${m})`)}], 0),
             coalesce(c.${m}[${rank(`cardinality(c.${m}) - 1`)}], 0),
             coalesce(c.${m}[${rank(`cardinality(c.${m}) - 1`)} + 1], 0)`,
             ).join(',\n             ')}
        FROM candidates c
      ON CONFLICT (id) DO UPDATE SET
        since = EXCLUDED.since, computed_at = EXCLUDED.computed_at,
        ${DEVOPS_METRICS.map(
          (
            m,
          ) => `leader_${m} = EXCLUDED.leader_${m}, leader_without_one_${m} = EXCLUDED.leader_without_one_${m},
        next_above_${m} = EXCLUDED.next_above_${m}`,
        ).join(',\n        ')}
    $fn$;
    SELECT refresh_devops_leader_snapshot(now(), ${DEFAULT_WINDOW_DAYS});

    DROP FUNCTION devops_leaders_among_others(text, timestamptz, integer);
    -- The leaders a ping of p_uuid is scored against: the snapshot's, with the instance's own
    -- candidate taken out when it was one (its latest values were received inside the snapshot's
    -- window and before it was computed; values received since are not in the snapshot).
    CREATE FUNCTION devops_leaders_among_others(p_uuid text)
    RETURNS TABLE (${DEVOPS_METRICS.map((m) => `${m} double precision`).join(', ')})
    LANGUAGE plpgsql STABLE AS $fn$
    BEGIN
      RETURN QUERY SELECT
        ${DEVOPS_METRICS.map(
          (m) => `CASE WHEN NOT coalesce(me.instance_${m} > 0, false) THEN s.leader_${m}
             WHEN me.instance_${m} >= s.next_above_${m} THEN s.leader_without_one_${m}
             ELSE s.next_above_${m} END`,
        ).join(',\n        ')}
        FROM devops_leader_snapshot s
        LEFT JOIN (devops_leader_values me JOIN instances i ON i.id = me.instance_id AND i.uuid = p_uuid)
          ON me.received_at >= s.since AND me.received_at <= s.computed_at;
    END
    $fn$;
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP FUNCTION devops_leaders_among_others(text);
    DROP FUNCTION refresh_devops_leader_snapshot(timestamptz, integer);
    DROP TABLE devops_leader_snapshot;
    ${LEADERS_AMONG_OTHERS_SQL}
  `);
};
