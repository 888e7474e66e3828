// Hostile senders (issue 19). Versions' ingest is anonymous, so nothing a sender posts may make
// reading expensive or move other instances' results:
//   - metric values become rows at ingest (metric_values, keyed through metric_keys): the
//     dashboard and read API read the rows of one key instead of walking every payload's JSON;
//   - "slowest metrics" (percentiles over every timing sample) is a snapshot refreshed in the
//     background (metric_timing_snapshot), not a computation per request;
//   - DevOps-score leaders are a high percentile of plausible per-user values, not the maximum;
//   - auth_failures holds the failed-authentication counts of the read side (rate-limiter-flexible's
//     table layout), shared by every replica.

const { DEVOPS_METRICS } = require('./20250601000000_versions_tables');
const { leadersAmongOthersHeadSql } = require('./20250610000000_versions_ingest_path');

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

/**
 * The trigger that filled metric_values from each new payload (replaced in 20260301000100, whose
 * down() puts it back from here).
 */
const EXTRACT_METRIC_VALUES_SQL = `
    -- The keys are looked up once; only a ping that brings a new key pays for ensure_metric_keys().
    -- A plain INSERT (no ON CONFLICT: speculative insertion costs per row) of one row per key id:
    -- {"a.b": 1} and {"a": {"b": 2}} share a key path, and the first one wins.
    CREATE FUNCTION extract_metric_values() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_keys text[];
      v_values float8[];
      v_ids integer[];
    BEGIN
      SELECT array_agg(l.key_path), array_agg(l.value::float8) INTO v_keys, v_values
        FROM jsonb_numeric_leaves(NEW.payload) l;
      IF v_keys IS NULL THEN
        RETURN NULL;
      END IF;
      v_ids := ARRAY(SELECT k.id FROM unnest(v_keys) WITH ORDINALITY AS t(key_path, n)
                       LEFT JOIN metric_keys k ON k.key_path = t.key_path ORDER BY t.n);
      IF array_position(v_ids, NULL) IS NOT NULL THEN
        PERFORM ensure_metric_keys(v_keys);
        v_ids := ARRAY(SELECT k.id FROM unnest(v_keys) WITH ORDINALITY AS t(key_path, n)
                         JOIN metric_keys k ON k.key_path = t.key_path ORDER BY t.n);
      END IF;
      INSERT INTO metric_values (usage_data_id, key_id, value)
      SELECT DISTINCT ON (t.key_id) NEW.id, t.key_id, t.value
        FROM unnest(v_ids, v_values) WITH ORDINALITY AS t(key_id, value, n)
       ORDER BY t.key_id, t.n;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER usage_data_extract_metric_values AFTER INSERT ON usage_data
      FOR EACH ROW EXECUTE FUNCTION extract_metric_values();
`;

/** ensure_metric_keys() as this migration defines it (20261205000100's down() puts it back from here). */
const ENSURE_METRIC_KEYS_SQL = `
    -- Adds the keys of key_paths that are not known yet. The NOT EXISTS keeps ON CONFLICT from
    -- drawing (and wasting) a sequence value for every key that already exists.
    CREATE OR REPLACE FUNCTION ensure_metric_keys(key_paths text[]) RETURNS void
    LANGUAGE sql AS $fn$
      INSERT INTO metric_keys (key_path)
      SELECT DISTINCT p FROM unnest(key_paths) p
       WHERE NOT EXISTS (SELECT 1 FROM metric_keys k WHERE k.key_path = p)
      ON CONFLICT (key_path) DO NOTHING
    $fn$;
`;

/**
 * devops_leaders_among_others() as this migration defines it (replaced by a snapshot lookup in
 * 20261205000000, whose down() puts it back from here).
 */
const LEADERS_AMONG_OTHERS_SQL = `
    -- The leader candidate of each metric: the ${LEADER_PERCENTILE * 100}th percentile (nearest rank)
    -- of the positive per-user values among other instances whose latest ping was received within
    -- the window (0 where there is none).
    ${leadersAmongOthersHeadSql('CREATE OR REPLACE FUNCTION')}
        ${DEVOPS_METRICS.map(
          (m) =>
            `coalesce(percentile_disc(${LEADER_PERCENTILE}) WITHIN GROUP (ORDER BY l.instance_${m}) FILTER (WHERE l.instance_${m} > 0), 0)::float8`,
        ).join(',\n        ')}
        FROM devops_leader_values l
       WHERE l.received_at >= v_since AND l.instance_id IS DISTINCT FROM v_me;
    END
    $fn$;
`;

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    CREATE TABLE metric_keys (
      id       serial PRIMARY KEY,
      key_path text NOT NULL UNIQUE
    );

    -- One row per numeric leaf of a ping (the same leaves as jsonb_numeric_leaves()). The primary
    -- key leads with the ping, so a ping's rows go to the end of the index (a key-first index took
    -- 3000 random page writes per ping); reads go from the pings of a window to their value of one
    -- key, one probe each, and cascading deletes find a ping's rows.
    CREATE TABLE metric_values (
      usage_data_id bigint NOT NULL REFERENCES usage_data (id) ON DELETE CASCADE,
      key_id        integer NOT NULL REFERENCES metric_keys (id),
      value         double precision NOT NULL,
      PRIMARY KEY (usage_data_id, key_id)
    );
    -- GitLab's fallbacks (-1, -2, -1000) are the failures the dashboard ranks.
    CREATE INDEX metric_values_failed_idx ON metric_values (usage_data_id, key_id) WHERE value < 0;
    CREATE INDEX usage_data_recorded_at_idx ON usage_data (recorded_at);

    ${ENSURE_METRIC_KEYS_SQL}

    ${EXTRACT_METRIC_VALUES_SQL}

    INSERT INTO metric_keys (key_path)
    SELECT DISTINCT l.key_path FROM usage_data u CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload) l;
    INSERT INTO metric_values (usage_data_id, key_id, value)
    SELECT u.id, k.id, l.value::float8
      FROM usage_data u CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload) l
      JOIN metric_keys k ON k.key_path = l.key_path
    ON CONFLICT DO NOTHING;

    -- "Slowest metrics" over the window as last computed (exact percentiles over every sample are
    -- too costly to compute per request once the fleet has sent millions of timings): refreshed
    -- in the background by one replica at a time, read as is by the dashboard and the API.
    CREATE TABLE metric_timing_snapshot (
      version text NOT NULL,
      key_path text NOT NULL,
      samples integer NOT NULL,
      errors integer NOT NULL,
      p50_s double precision NOT NULL,
      p95_s double precision NOT NULL,
      PRIMARY KEY (version, key_path)
    );
    CREATE INDEX metric_timing_snapshot_p95_idx ON metric_timing_snapshot (p95_s DESC);
    CREATE TABLE metric_timing_snapshot_state (
      id          integer PRIMARY KEY CHECK (id = 1),
      since       timestamptz NOT NULL,
      computed_at timestamptz NOT NULL
    );

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

    ${LEADERS_AMONG_OTHERS_SQL}
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP TRIGGER devops_leader_values_plausible ON devops_leader_values;
    DROP FUNCTION devops_leader_values_plausible();
    DROP TABLE auth_failures;
    DROP TABLE metric_timing_snapshot_state;
    DROP TABLE metric_timing_snapshot;
    DROP TRIGGER usage_data_extract_metric_values ON usage_data;
    DROP FUNCTION extract_metric_values();
    DROP FUNCTION ensure_metric_keys(text[]);
    DROP INDEX usage_data_recorded_at_idx;
    DROP TABLE metric_values;
    DROP TABLE metric_keys;
  `);
};

module.exports.EXTRACT_METRIC_VALUES_SQL = EXTRACT_METRIC_VALUES_SQL;
module.exports.LEADERS_AMONG_OTHERS_SQL = LEADERS_AMONG_OTHERS_SQL;
module.exports.ENSURE_METRIC_KEYS_SQL = ENSURE_METRIC_KEYS_SQL;
module.exports.LEADER_PERCENTILE = LEADER_PERCENTILE;
