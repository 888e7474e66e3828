// The DevOps score computed inside the ingest statement (issue 16, last item). Each ping took two
// round trips: the leaders among other instances (devops_leaders_among_others()), then
// ingest_usage_data() with the score Versions had computed from them. The first cost ~0.3 ms of
// Versions' CPU (query building, pool, protocol) and ~0.16 ms of PostgreSQL's per ping, to read one
// row. Now ingest_usage_data() takes the ping's per-user values, reads the leaders itself and
// scores with devops_score(), which is GitLab's formula as scoring/devops-score.ts writes it
// (computeDevopsScore, the reference the tests hold this function to), in the same float8
// arithmetic, so the stored and answered numbers do not change. The leaders are now read after the
// instance's row lock is taken instead of just before the statement: under read committed that
// changes nothing a client can observe (docs/versions.md, DevOps score).

const {
  ingestUsageDataSql,
  storePingSql,
  PING_FACT_PARAMETERS,
  STORE_PING_VARIABLES,
} = require('./20250610000000_versions_ingest_path');
const { DEVOPS_METRICS } = require('./20250601000000_versions_tables');

const SCORE_COLUMNS = DEVOPS_METRICS.flatMap((m) => [`leader_${m}`, `instance_${m}`, `percentage_${m}`]);
const INSTANCE_COLUMNS = DEVOPS_METRICS.map((m) => `instance_${m}`);

/** One metric's leader, instance value and percentage; `i` is its 1-based place in DEVOPS_METRICS. */
function metricScoreSql(i) {
  const own = `p_per_user[${i}]`;
  const leader = `greatest(${own}, coalesce(p_others[${i}], 0))`;
  // JavaScript divides without complaint where float8 division would underflow (an own value
  // 10^7 times below the leader and tiny); such a percentage rounds to 0 either way, so it is
  // not divided.
  return `devops_round(${leader}, 10000), devops_round(${own}, 10000),
           CASE WHEN ${leader} > 0 AND ${own} * 1e7 >= ${leader}
                THEN devops_round(least(100, ${own} / ${leader} * 100), 100) ELSE 0 END`;
}

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    -- Math.round(p_value * p_factor) / p_factor as JavaScript computes it: ties go up (float8's
    -- round() goes to the even neighbour), and the fraction is exact in float8.
    CREATE FUNCTION devops_round(p_value double precision, p_factor double precision)
    RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT (floor(p_value * p_factor)
              + CASE WHEN p_value * p_factor - floor(p_value * p_factor) >= 0.5 THEN 1 ELSE 0 END) / p_factor
    $fn$;

    -- GitLab's DevOps score of per-user values p_per_user against the leaders among other
    -- instances p_others (both in the order ${DEVOPS_METRICS.join(', ')}).
    CREATE FUNCTION devops_score(p_per_user double precision[], p_others double precision[])
    RETURNS TABLE (${SCORE_COLUMNS.map((c) => `${c} double precision`).join(', ')})
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT ${DEVOPS_METRICS.map((_, i) => metricScoreSql(i + 1)).join(',\n             ')}
    $fn$;

    DROP FUNCTION ingest_usage_data(text, text, timestamptz, text, text, text, bigint, bigint, text, text,
                                    bigint, text, bigint, date, date, boolean, text, json, timestamptz, jsonb);
    -- Stores one ping: upserts the instance (taking its row lock, which serialises pings of one
    -- instance), inserts the usage_data row or finds the existing one for this (uuid, recorded_at),
    -- and for a new ping counts it, moves the instance facts forward, scores it against the
    -- leaders among other instances (devops_score() of p_per_user, the ping's per-user values in
    -- the order of devops_score()) and stores the score and the instance's leader values. Either
    -- way score_row is the ping's conversational_development_indices row. One statement, so
    -- nothing is ever half written.
    CREATE FUNCTION ingest_usage_data(
      ${PING_FACT_PARAMETERS},
      p_payload json, p_received_at timestamptz, p_per_user double precision[])
    RETURNS TABLE (usage_data_id bigint, created boolean, reported boolean, score_row jsonb)
    LANGUAGE plpgsql AS $fn$
    #variable_conflict use_column
    DECLARE
      ${STORE_PING_VARIABLES}
      v_others double precision[];
      v_score conversational_development_indices;
    BEGIN
      ${storePingSql({ withStats: false })}

      SELECT ARRAY[${DEVOPS_METRICS.map((m) => `l.${m}`).join(', ')}] INTO v_others
        FROM devops_leaders_among_others(p_uuid) l;
      v_reported := v_ping_count > 0;
      INSERT INTO conversational_development_indices (usage_data_id, instance_id, reported, created_at,
                                                      ${SCORE_COLUMNS.join(', ')})
      SELECT v_usage_data_id, v_instance_id, v_reported, p_received_at, s.*
        FROM devops_score(p_per_user, v_others) s
      RETURNING * INTO v_score;

      INSERT INTO devops_leader_values AS l (instance_id, usage_data_id, recorded_at, received_at,
                                             ${INSTANCE_COLUMNS.join(', ')})
      VALUES (v_instance_id, v_usage_data_id, p_recorded_at, p_received_at,
              ${INSTANCE_COLUMNS.map((c) => `v_score.${c}`).join(', ')})
      ON CONFLICT (instance_id) DO UPDATE
        SET usage_data_id = EXCLUDED.usage_data_id, recorded_at = EXCLUDED.recorded_at,
            received_at = EXCLUDED.received_at,
            ${INSTANCE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
        WHERE (EXCLUDED.recorded_at, EXCLUDED.usage_data_id) > (l.recorded_at, l.usage_data_id);

      RETURN QUERY SELECT v_usage_data_id, true, v_reported, to_jsonb(v_score);
    END
    $fn$;
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP FUNCTION ingest_usage_data(text, text, timestamptz, text, text, text, bigint, bigint, text, text,
                                    bigint, text, bigint, date, date, boolean, text, json, timestamptz,
                                    double precision[]);
    DROP FUNCTION devops_score(double precision[], double precision[]);
    DROP FUNCTION devops_round(double precision, double precision);
    ${ingestUsageDataSql({ payloadType: 'json', withStats: false })}
  `);
};
