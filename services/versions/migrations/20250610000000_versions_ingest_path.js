// The ingest fast path. Profiling a 3000-key ping showed three database costs that grow with the
// payload or with the history: pglz compression of the payload (~1 ms of CPU a ping), the DevOps-score
// leader query (a DISTINCT ON over every scored ping of the window, linear in the history), and
// seven round trips per ping. This migration:
//   - stores payload and stats with lz4 where the server has it (same size, a fraction of the CPU);
//   - drops the GIN index on stats (see below);
//   - keeps each instance's latest per-user values in devops_leader_values, maintained by the
//     ingest itself, so a leader is one index probe per metric (devops_leaders_among_others());
//   - moves the write side of an ingest into one function, ingest_usage_data(), so a ping is one
//     statement: atomic without an explicit transaction, and one round trip.
// The analysts' tables and views do not change.

const { DEVOPS_METRICS } = require('./20250601000000_versions_tables');
const INSTANCE_COLUMNS = DEVOPS_METRICS.map((m) => `instance_${m}`);
/** Instance facts that follow the newest ping: [instances column, function parameter]. */
const FACT_COLUMNS = [
  ['hostname', 'p_hostname'],
  ['last_version', 'p_version'],
  ['edition', 'p_edition'],
  ['installation_type', 'p_installation_type'],
  ['license_md5', 'p_license_md5'],
  ['license_sha256', 'p_license_sha256'],
  ['license_id', 'p_license_id'],
  ['license_plan', 'p_license_plan'],
  ['license_expires_at', 'p_license_expires_at'],
  ['license_trial', 'p_license_trial'],
];
/** One index per metric, for the leader query (dropped in 20261205000100, whose down() puts them back). */
const LEADER_VALUE_INDEXES_SQL = INSTANCE_COLUMNS.map(
  (c) => `CREATE INDEX devops_leader_values_${c}_idx ON devops_leader_values (${c});`,
).join('\n    ');
const SCORE_COLUMNS = DEVOPS_METRICS.flatMap((m) => [`leader_${m}`, `instance_${m}`, `percentage_${m}`]);

/** The facts every version of ingest_usage_data() takes first, in parameter order. */
const PING_FACT_PARAMETERS = `
      p_uuid text, p_hostname text, p_recorded_at timestamptz, p_version text, p_edition text,
      p_installation_type text, p_active_user_count bigint, p_historical_max_users bigint,
      p_license_md5 text, p_license_sha256 text, p_license_id bigint, p_license_plan text,
      p_license_user_count bigint, p_license_starts_at date, p_license_expires_at date,
      p_license_trial boolean, p_license_subscription_id text`;

/** The variables every version of ingest_usage_data() declares (storePingSql() sets the first four). */
const STORE_PING_VARIABLES = `
      v_instance_id bigint;
      v_ping_count integer;
      v_usage_data_id bigint;
      v_created boolean;
      v_reported boolean;`;

/**
 * devops_leaders_among_others() of the first two generations, up to its query: the signature, the
 * window's start and the instance's own id. `create` is CREATE FUNCTION or CREATE OR REPLACE FUNCTION.
 */
function leadersAmongOthersHeadSql(create) {
  return `${create} devops_leaders_among_others(p_uuid text, p_received_at timestamptz, p_window_days integer)
    RETURNS TABLE (${DEVOPS_METRICS.map((m) => `${m} double precision`).join(', ')})
    LANGUAGE plpgsql STABLE AS $fn$
    DECLARE
      v_since timestamptz := p_received_at - make_interval(days => p_window_days);
      v_me bigint := (SELECT id FROM instances WHERE uuid = p_uuid);
    BEGIN
      RETURN QUERY SELECT`;
}

/**
 * The steps every version of ingest_usage_data() begins with: upsert the instance (taking its row
 * lock, which serialises pings of one instance), insert the ping or find the stored one, answer a
 * re-send with its stored score, and for a new ping count it and move the instance's facts
 * forward. Reads p_* parameters and sets v_instance_id, v_ping_count, v_usage_data_id, v_created.
 */
function storePingSql({ withStats }) {
  return `
      INSERT INTO instances (uuid, hostname, first_ping_at, last_ping_at, last_recorded_at, last_version,
                             edition, installation_type, license_md5, license_sha256, license_id,
                             license_plan, license_expires_at, license_trial)
      VALUES (p_uuid, p_hostname, p_received_at, p_received_at, p_recorded_at, p_version, p_edition,
              p_installation_type, p_license_md5, p_license_sha256, p_license_id, p_license_plan,
              p_license_expires_at, p_license_trial)
      ON CONFLICT (uuid) DO UPDATE
        SET last_ping_at = greatest(instances.last_ping_at, EXCLUDED.last_ping_at), updated_at = now()
      RETURNING id, ping_count INTO v_instance_id, v_ping_count;

      INSERT INTO usage_data (instance_id, uuid, recorded_at, received_at, last_received_at, hostname, version,
                              edition, installation_type, active_user_count, historical_max_users,
                              license_md5, license_sha256, license_id, license_plan, license_user_count,
                              license_starts_at, license_expires_at, license_trial, license_subscription_id,
                              ${withStats ? 'stats, ' : ''}payload)
      VALUES (v_instance_id, p_uuid, p_recorded_at, p_received_at, p_received_at, p_hostname, p_version,
              p_edition, p_installation_type, p_active_user_count, p_historical_max_users,
              p_license_md5, p_license_sha256, p_license_id, p_license_plan, p_license_user_count,
              p_license_starts_at, p_license_expires_at, p_license_trial, p_license_subscription_id,
              ${withStats ? "coalesce(p_payload -> 'counts', '{}'::jsonb), " : ''}p_payload)
      ON CONFLICT (uuid, recorded_at) DO UPDATE
        SET duplicate_count = usage_data.duplicate_count + 1,
            last_received_at = greatest(usage_data.last_received_at, EXCLUDED.last_received_at)
      RETURNING id, (xmax = 0) INTO v_usage_data_id, v_created;

      IF NOT v_created THEN
        RETURN QUERY
          SELECT v_usage_data_id, false, coalesce(c.reported, false), to_jsonb(c)
            FROM (SELECT 1) one
            LEFT JOIN conversational_development_indices c ON c.usage_data_id = v_usage_data_id;
        RETURN;
      END IF;

      -- Facts move forward only when this ping is at least as recent as the last one (SET reads
      -- the row as it was, so every CASE compares with the old last_recorded_at).
      UPDATE instances SET
        ping_count = ping_count + 1,
        ${FACT_COLUMNS.map(([column, param]) => `${column} = CASE WHEN p_recorded_at >= last_recorded_at THEN ${param} ELSE ${column} END`).join(',\n        ')},
        last_recorded_at = greatest(last_recorded_at, p_recorded_at)
      WHERE id = v_instance_id;`;
}

/**
 * ingest_usage_data() as this migration defines it: the payload as jsonb with `stats` =
 * payload.counts beside it. 20261206000000 redefines it with the payload as json and no stats (its
 * down() puts this one back).
 */
function ingestUsageDataSql({ payloadType, withStats }) {
  return `
    -- Stores one ping: upserts the instance (taking its row lock, which serialises pings of one
    -- instance), inserts the usage_data row or finds the existing one for this (uuid, recorded_at),
    -- and for a new ping counts it, moves the instance facts forward, stores the score p_score
    -- (computed by the caller against the leaders) and the instance's leader values. A re-send gets
    -- the stored score back in score_row. One statement, so nothing is ever half written.
    CREATE FUNCTION ingest_usage_data(
      ${PING_FACT_PARAMETERS},
      p_payload ${payloadType}, p_received_at timestamptz, p_score jsonb)
    RETURNS TABLE (usage_data_id bigint, created boolean, reported boolean, score_row jsonb)
    LANGUAGE plpgsql AS $fn$
    #variable_conflict use_column
    DECLARE
      ${STORE_PING_VARIABLES}
    BEGIN
      ${storePingSql({ withStats })}

      v_reported := v_ping_count > 0;
      INSERT INTO conversational_development_indices (usage_data_id, instance_id, reported, created_at,
                                                      ${SCORE_COLUMNS.join(', ')})
      SELECT v_usage_data_id, v_instance_id, v_reported, p_received_at, ${SCORE_COLUMNS.map((c) => `s.${c}`).join(', ')}
        FROM jsonb_populate_record(NULL::conversational_development_indices, p_score) s;

      INSERT INTO devops_leader_values AS l (instance_id, usage_data_id, recorded_at, received_at,
                                             ${INSTANCE_COLUMNS.join(', ')})
      SELECT v_instance_id, v_usage_data_id, p_recorded_at, p_received_at, ${INSTANCE_COLUMNS.map((c) => `s.${c}`).join(', ')}
        FROM jsonb_populate_record(NULL::conversational_development_indices, p_score) s
      ON CONFLICT (instance_id) DO UPDATE
        SET usage_data_id = EXCLUDED.usage_data_id, recorded_at = EXCLUDED.recorded_at,
            received_at = EXCLUDED.received_at,
            ${INSTANCE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
        WHERE (EXCLUDED.recorded_at, EXCLUDED.usage_data_id) > (l.recorded_at, l.usage_data_id);

      RETURN QUERY SELECT v_usage_data_id, true, v_reported, NULL::jsonb;
    END
    $fn$;
  `;
}

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  const { rows } = await knex.raw(
    `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  );
  if (rows[0]?.lz4) {
    // Applies to rows written from now on; existing rows keep pglz and stay readable.
    await knex.raw(
      'ALTER TABLE usage_data ALTER COLUMN payload SET COMPRESSION lz4, ALTER COLUMN stats SET COMPRESSION lz4',
    );
  }

  // A GIN index over stats put ~1000 entries per ping into the index (0.4 ms of PostgreSQL CPU,
  // about a fifth of its share of an ingest) and served only `stats @> …` containment, which
  // no documented query, view or read route uses. Whoever needs it can add it back with
  // CREATE INDEX CONCURRENTLY, knowing that cost.
  await knex.raw('DROP INDEX IF EXISTS usage_data_stats_gin_idx');

  await knex.raw(`
    -- One row per instance: the per-user values (rounded as stored in
    -- conversational_development_indices) of its latest ping by recorded_at, ties to the later row.
    -- The leader of a metric is the max over other instances whose latest ping was received within
    -- the leader window.
    CREATE TABLE devops_leader_values (
      instance_id   bigint PRIMARY KEY REFERENCES instances (id) ON DELETE CASCADE,
      usage_data_id bigint NOT NULL REFERENCES usage_data (id) ON DELETE CASCADE,
      recorded_at   timestamptz NOT NULL,
      received_at   timestamptz NOT NULL,
      ${INSTANCE_COLUMNS.map((c) => `${c} double precision NOT NULL`).join(',\n      ')}
    );
    ${LEADER_VALUE_INDEXES_SQL}

    INSERT INTO devops_leader_values (instance_id, usage_data_id, recorded_at, received_at, ${INSTANCE_COLUMNS.join(', ')})
    SELECT DISTINCT ON (c.instance_id)
           c.instance_id, u.id, u.recorded_at, u.received_at, ${INSTANCE_COLUMNS.map((col) => `c.${col}`).join(', ')}
      FROM conversational_development_indices c
      JOIN usage_data u ON u.id = c.usage_data_id
     ORDER BY c.instance_id, u.recorded_at DESC, u.id DESC;
  `);

  await knex.raw(`
    -- The highest per-user value of each metric among other instances whose latest ping was
    -- received within the window (0 where there is none). Each max is one backward scan of that
    -- metric's index, stopping at the first row that passes the filter. A plpgsql function so the
    -- plan of this 10-subquery statement is made once per connection, not on every ping.
    ${leadersAmongOthersHeadSql('CREATE FUNCTION')}
        ${DEVOPS_METRICS.map(
          (m) => `coalesce((SELECT max(l.instance_${m}) FROM devops_leader_values l
                   WHERE l.received_at >= v_since AND l.instance_id IS DISTINCT FROM v_me), 0)::float8`,
        ).join(',\n        ')};
    END
    $fn$;
  `);

  await knex.raw(ingestUsageDataSql({ payloadType: 'jsonb', withStats: true }));
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP FUNCTION ingest_usage_data(text, text, timestamptz, text, text, text, bigint, bigint, text, text,
                                    bigint, text, bigint, date, date, boolean, text, jsonb, timestamptz, jsonb);
    DROP FUNCTION devops_leaders_among_others(text, timestamptz, integer);
    DROP TABLE devops_leader_values;
    ALTER TABLE usage_data ALTER COLUMN payload SET COMPRESSION default, ALTER COLUMN stats SET COMPRESSION default;
    CREATE INDEX usage_data_stats_gin_idx ON usage_data USING gin (stats jsonb_path_ops);
  `);
};

module.exports.LEADER_VALUE_INDEXES_SQL = LEADER_VALUE_INDEXES_SQL;
module.exports.ingestUsageDataSql = ingestUsageDataSql;
module.exports.storePingSql = storePingSql;
module.exports.PING_FACT_PARAMETERS = PING_FACT_PARAMETERS;
module.exports.STORE_PING_VARIABLES = STORE_PING_VARIABLES;
module.exports.leadersAmongOthersHeadSql = leadersAmongOthersHeadSql;
