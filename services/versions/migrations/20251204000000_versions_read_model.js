// Hostile senders (issue 19). Versions' ingest is anonymous, so nothing a sender posts may make
// reading expensive or move other instances' results:
//   - metric values become rows at ingest (metric_values, keyed through metric_keys): the
//     dashboard and read API read the rows of one key instead of walking every payload's JSON;
//   - metric timings are also rolled up at ingest into log-scale buckets per week, version and key
//     (metric_timing_buckets), so "slowest metrics" reads a few rows per key, not every sample;
//   - DevOps-score leaders are a high percentile of plausible per-user values, not the maximum;
//   - auth_failures holds the failed-authentication counts of the read side (rate-limiter-flexible's
//     table layout), shared by every replica.

const DEVOPS_METRICS = [
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
];

/**
 * The most per active user a real instance can plausibly have of each all-time count: far above
 * any real installation, far below what a forged ping needs to lead the fleet. docs/versions.md
 * gives the reasons.
 */
const PLAUSIBLE_PER_USER_MAX = {
  issues: 10_000,
  notes: 100_000,
  milestones: 1_000,
  boards: 1_000,
  merge_requests: 10_000,
  ci_pipelines: 1_000_000,
  environments: 10_000,
  deployments: 1_000_000,
  projects_prometheus_active: 1_000,
  service_desk_issues: 100_000,
};

/** The leader is this percentile of the other instances' positive, plausible per-user values. */
const LEADER_PERCENTILE = 0.9;

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    CREATE TABLE metric_keys (
      id       serial PRIMARY KEY,
      key_path text NOT NULL UNIQUE
    );

    -- One row per numeric leaf of a ping (the same leaves as jsonb_numeric_leaves()). The primary
    -- key serves "one metric across pings"; the usage_data index serves cascading deletes.
    CREATE TABLE metric_values (
      key_id        integer NOT NULL REFERENCES metric_keys (id),
      usage_data_id bigint NOT NULL REFERENCES usage_data (id) ON DELETE CASCADE,
      value         double precision NOT NULL,
      PRIMARY KEY (key_id, usage_data_id)
    );
    CREATE INDEX metric_values_usage_data_idx ON metric_values (usage_data_id);
    -- GitLab's fallbacks (-1, -2, -1000) are the failures the dashboard ranks.
    CREATE INDEX metric_values_failed_idx ON metric_values (usage_data_id, key_id) WHERE value < 0;
    CREATE INDEX usage_data_recorded_at_idx ON usage_data (recorded_at);

    -- Adds the keys of key_paths that are not known yet. The NOT EXISTS keeps ON CONFLICT from
    -- drawing (and wasting) a sequence value for every key that already exists.
    CREATE FUNCTION ensure_metric_keys(key_paths text[]) RETURNS void
    LANGUAGE sql AS $fn$
      INSERT INTO metric_keys (key_path)
      SELECT DISTINCT p FROM unnest(key_paths) p
       WHERE NOT EXISTS (SELECT 1 FROM metric_keys k WHERE k.key_path = p)
      ON CONFLICT (key_path) DO NOTHING
    $fn$;

    CREATE FUNCTION extract_metric_values() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_keys text[];
      v_values float8[];
    BEGIN
      SELECT array_agg(l.key_path), array_agg(l.value::float8) INTO v_keys, v_values
        FROM jsonb_numeric_leaves(NEW.payload) l;
      IF v_keys IS NULL THEN
        RETURN NULL;
      END IF;
      PERFORM ensure_metric_keys(v_keys);
      -- {"a.b": 1} and {"a": {"b": 2}} share a key path: the first one wins.
      INSERT INTO metric_values (key_id, usage_data_id, value)
      SELECT k.id, NEW.id, t.value FROM unnest(v_keys, v_values) AS t(key_path, value)
        JOIN metric_keys k ON k.key_path = t.key_path
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER usage_data_extract_metric_values AFTER INSERT ON usage_data
      FOR EACH ROW EXECUTE FUNCTION extract_metric_values();

    INSERT INTO metric_keys (key_path)
    SELECT DISTINCT l.key_path FROM usage_data u CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload) l;
    INSERT INTO metric_values (key_id, usage_data_id, value)
    SELECT k.id, u.id, l.value::float8
      FROM usage_data u CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload) l
      JOIN metric_keys k ON k.key_path = l.key_path
    ON CONFLICT DO NOTHING;

    -- Quarter-octave buckets from 1 ms: bucket b holds times in (2^((b-1)/4), 2^(b/4)] ms, so a
    -- percentile read from the buckets is at most 19 % above the true one.
    CREATE FUNCTION metric_timing_bucket(seconds float8) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT CASE WHEN seconds <= 0.001 THEN 0
                  ELSE least(ceil(log(2, (seconds * 1000)::numeric) * 4), 32767) END::smallint
    $fn$;
    CREATE FUNCTION metric_timing_bucket_upper_s(bucket smallint) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$ SELECT 0.001 * power(2, bucket / 4.0)::float8 $fn$;

    CREATE TABLE metric_timing_buckets (
      week    date NOT NULL,
      version text NOT NULL,
      key_id  integer NOT NULL REFERENCES metric_keys (id),
      bucket  smallint NOT NULL,
      samples integer NOT NULL,
      errors  integer NOT NULL,
      PRIMARY KEY (week, version, key_id, bucket)
    );

    -- Rows are added in key order, so concurrent reports of one version lock shared rows in the
    -- same order and cannot deadlock.
    CREATE FUNCTION roll_up_metric_timings() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM ensure_metric_keys(ARRAY(SELECT DISTINCT name FROM new_timings));
      INSERT INTO metric_timing_buckets AS b (week, version, key_id, bucket, samples, errors)
      SELECT date_trunc('week', m.received_at)::date, coalesce(m.version, 'unknown'), k.id,
             metric_timing_bucket(t.time_elapsed_s), count(*), count(t.error)
        FROM new_timings t
        JOIN usage_ping_metadata m ON m.id = t.metadata_id
        JOIN metric_keys k ON k.key_path = t.name
       GROUP BY 1, 2, 3, 4
       ORDER BY 1, 2, 3, 4
      ON CONFLICT (week, version, key_id, bucket) DO UPDATE
        SET samples = b.samples + EXCLUDED.samples, errors = b.errors + EXCLUDED.errors;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER usage_ping_metric_timings_roll_up AFTER INSERT ON usage_ping_metric_timings
      REFERENCING NEW TABLE AS new_timings
      FOR EACH STATEMENT EXECUTE FUNCTION roll_up_metric_timings();

    SELECT ensure_metric_keys(ARRAY(SELECT DISTINCT name FROM usage_ping_metric_timings));
    INSERT INTO metric_timing_buckets (week, version, key_id, bucket, samples, errors)
    SELECT date_trunc('week', m.received_at)::date, coalesce(m.version, 'unknown'), k.id,
           metric_timing_bucket(t.time_elapsed_s), count(*), count(t.error)
      FROM usage_ping_metric_timings t
      JOIN usage_ping_metadata m ON m.id = t.metadata_id
      JOIN metric_keys k ON k.key_path = t.name
     GROUP BY 1, 2, 3, 4;

    CREATE TABLE auth_failures (
      key    varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    );

    -- An implausible per-user value never becomes a leader candidate (0 is "no candidate").
    CREATE FUNCTION devops_leader_values_plausible() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      ${DEVOPS_METRICS.map(
        (m) => `IF NEW.instance_${m} > ${PLAUSIBLE_PER_USER_MAX[m]} THEN NEW.instance_${m} := 0; END IF;`,
      ).join('\n      ')}
      RETURN NEW;
    END
    $fn$;
    CREATE TRIGGER devops_leader_values_plausible BEFORE INSERT OR UPDATE ON devops_leader_values
      FOR EACH ROW EXECUTE FUNCTION devops_leader_values_plausible();
    UPDATE devops_leader_values SET instance_id = instance_id;

    -- The leader candidate of each metric: the ${LEADER_PERCENTILE * 100}th percentile (nearest rank)
    -- of the positive per-user values among other instances whose latest ping was received within
    -- the window (0 where there is none).
    CREATE OR REPLACE FUNCTION devops_leaders_among_others(p_uuid text, p_received_at timestamptz, p_window_days integer)
    RETURNS TABLE (${DEVOPS_METRICS.map((m) => `${m} double precision`).join(', ')})
    LANGUAGE plpgsql STABLE AS $fn$
    DECLARE
      v_since timestamptz := p_received_at - make_interval(days => p_window_days);
      v_me bigint := (SELECT id FROM instances WHERE uuid = p_uuid);
    BEGIN
      RETURN QUERY SELECT
        ${DEVOPS_METRICS.map(
          (m) =>
            `coalesce(percentile_disc(${LEADER_PERCENTILE}) WITHIN GROUP (ORDER BY l.instance_${m}) FILTER (WHERE l.instance_${m} > 0), 0)::float8`,
        ).join(',\n        ')}
        FROM devops_leader_values l
       WHERE l.received_at >= v_since AND l.instance_id IS DISTINCT FROM v_me;
    END
    $fn$;
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP TRIGGER devops_leader_values_plausible ON devops_leader_values;
    DROP FUNCTION devops_leader_values_plausible();
    DROP TABLE auth_failures;
    DROP TRIGGER usage_ping_metric_timings_roll_up ON usage_ping_metric_timings;
    DROP FUNCTION roll_up_metric_timings();
    DROP TABLE metric_timing_buckets;
    DROP FUNCTION metric_timing_bucket_upper_s(smallint);
    DROP FUNCTION metric_timing_bucket(float8);
    DROP TRIGGER usage_data_extract_metric_values ON usage_data;
    DROP FUNCTION extract_metric_values();
    DROP FUNCTION ensure_metric_keys(text[]);
    DROP INDEX usage_data_recorded_at_idx;
    DROP TABLE metric_values;
    DROP TABLE metric_keys;
  `);
};
