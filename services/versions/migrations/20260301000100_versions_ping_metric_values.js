// Ingest throughput (issue 16). metric_values held one row per numeric leaf of a ping, written by
// a trigger that walked the payload's jsonb: for a GitLab ping of ~3 000 leaves that was ~40 ms of
// database CPU (the recursive walk, 3 000 key lookups, 3 000 index entries twice), which capped
// ingest near 35 pings/s on 2 cores. Now Versions computes the leaves from the body it has already
// parsed, resolves key ids from a per-replica cache, and stores one row per ping:
//   - ping_metric_values: the ping's key ids (ascending) and values as two arrays, compressed
//     together with lz4 where the server has it, plus the ids of its values below 0 (GitLab's
//     fallbacks, what the metric-health ranking reads, small and kept inline);
//   - metric_values is now a view of the same (usage_data_id, key_id, value) rows, so analysts'
//     queries keep working;
//   - the ingest writes the row in the same statement as the ping (see usage-data.repository.ts).
// Existing rows are moved over, not dropped.

const { EXTRACT_METRIC_VALUES_SQL } = require('./20251204000000_versions_read_model');

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    CREATE TABLE ping_metric_values (
      usage_data_id  bigint PRIMARY KEY REFERENCES usage_data (id) ON DELETE CASCADE,
      key_ids        integer[] NOT NULL,
      "values"       double precision[] NOT NULL,
      failed_key_ids integer[] NOT NULL,
      CHECK (cardinality(key_ids) = cardinality("values"))
    );
  `);
  const { rows } = await knex.raw(
    `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  );
  if (rows[0]?.lz4) {
    await knex.raw(
      'ALTER TABLE ping_metric_values ALTER COLUMN key_ids SET COMPRESSION lz4, ALTER COLUMN "values" SET COMPRESSION lz4',
    );
  }
  await knex.raw(`
    INSERT INTO ping_metric_values (usage_data_id, key_ids, "values", failed_key_ids)
    SELECT usage_data_id,
           array_agg(key_id ORDER BY key_id),
           array_agg(value ORDER BY key_id),
           coalesce(array_agg(key_id ORDER BY key_id) FILTER (WHERE value < 0), '{}')
      FROM metric_values
     GROUP BY usage_data_id;

    DROP TRIGGER usage_data_extract_metric_values ON usage_data;
    DROP FUNCTION extract_metric_values();
    DROP TABLE metric_values;

    -- One row per numeric leaf of a ping, as the table of that name had.
    CREATE VIEW metric_values AS
      SELECT p.usage_data_id, t.key_id, t.value
        FROM ping_metric_values p
        CROSS JOIN LATERAL unnest(p.key_ids, p."values") AS t(key_id, value);
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP VIEW metric_values;
    CREATE TABLE metric_values (
      usage_data_id bigint NOT NULL REFERENCES usage_data (id) ON DELETE CASCADE,
      key_id        integer NOT NULL REFERENCES metric_keys (id),
      value         double precision NOT NULL,
      PRIMARY KEY (usage_data_id, key_id)
    );
    CREATE INDEX metric_values_failed_idx ON metric_values (usage_data_id, key_id) WHERE value < 0;
    INSERT INTO metric_values (usage_data_id, key_id, value)
    SELECT p.usage_data_id, t.key_id, t.value
      FROM ping_metric_values p CROSS JOIN LATERAL unnest(p.key_ids, p."values") AS t(key_id, value);
    DROP TABLE ping_metric_values;
    ${EXTRACT_METRIC_VALUES_SQL}
  `);
};
