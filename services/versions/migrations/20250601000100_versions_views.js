// Views for the questions analysts ask most; docs/versions.md shows them in use.

/** Failure rates by version and key; later migrations recreate it when the views below it change. */
const FAILURE_RATES_VIEW_SQL = `
    CREATE VIEW metric_failure_rates AS
      SELECT version, key_path,
             count(*) AS pings,
             count(*) FILTER (WHERE value < 0) AS failures,
             round(count(*) FILTER (WHERE value < 0)::numeric / count(*), 4) AS failure_rate
        FROM usage_data_metric_values
       GROUP BY version, key_path;
`;

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    -- Every numeric leaf of a payload as (key_path, value). Objects are walked, arrays are not
    -- (GitLab's array values are lists of facts, not metrics). Ingest caps nesting at 32 levels,
    -- which bounds the recursion.
    CREATE FUNCTION jsonb_numeric_leaves(doc jsonb)
    RETURNS TABLE (key_path text, value numeric)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      WITH RECURSIVE walk (path, node) AS (
        SELECT e.key, e.value
          FROM jsonb_each(CASE WHEN jsonb_typeof(doc) = 'object' THEN doc ELSE '{}'::jsonb END) e
        UNION ALL
        SELECT w.path || '.' || e.key, e.value
          FROM walk w
          CROSS JOIN LATERAL jsonb_each(
            CASE WHEN jsonb_typeof(w.node) = 'object' THEN w.node ELSE '{}'::jsonb END) e
      )
      SELECT path, node::text::numeric FROM walk WHERE jsonb_typeof(node) = 'number'
    $fn$;

    -- The latest ping of every instance (by recorded_at; ties broken by the later row).
    CREATE VIEW latest_usage_data AS
      SELECT DISTINCT ON (instance_id) *
        FROM usage_data
       ORDER BY instance_id, recorded_at DESC, id DESC;

    -- One row per numeric metric value of every ping: the base for "a metric across instances
    -- and versions over time" and for failure rates.
    CREATE VIEW usage_data_metric_values AS
      SELECT u.id AS usage_data_id, u.instance_id, u.uuid, u.version, u.recorded_at, u.received_at,
             l.key_path, l.value
        FROM usage_data u
        CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload) l;

    -- A value below zero is one of GitLab's fallbacks (-1 failure/timeout, -2 counter error,
    -- -1000 deprecated), so it counts as a failed measurement.
    ${FAILURE_RATES_VIEW_SQL}

    CREATE VIEW metric_timing_percentiles AS
      SELECT m.version, t.name AS key_path,
             count(*) AS samples,
             count(*) FILTER (WHERE t.error IS NOT NULL) AS errors,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY t.time_elapsed_s) AS p50_s,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY t.time_elapsed_s) AS p95_s
        FROM usage_ping_metric_timings t
        JOIN usage_ping_metadata m ON m.id = t.metadata_id
       GROUP BY m.version, t.name;

    -- Instances that reported before but not in the last 14 days (GitLab pings weekly, so two
    -- missed weeks).
    CREATE VIEW stale_instances AS
      SELECT i.*, now() - i.last_ping_at AS silent_for
        FROM instances i
       WHERE i.last_ping_at < now() - interval '14 days';
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP VIEW stale_instances;
    DROP VIEW metric_timing_percentiles;
    DROP VIEW metric_failure_rates;
    DROP VIEW usage_data_metric_values;
    DROP VIEW latest_usage_data;
    DROP FUNCTION jsonb_numeric_leaves(jsonb);
  `);
};

module.exports.FAILURE_RATES_VIEW_SQL = FAILURE_RATES_VIEW_SQL;
