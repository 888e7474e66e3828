// Less work per ingested ping (issue 16):
//   - the per-metric indexes on devops_leader_values served the leader query of every ping (a
//     backward scan per metric); leaders now come from devops_leader_snapshot, computed by a scan
//     of the table in the background, so nothing reads them and each new instance's ping paid
//     ten index insertions for them;
//   - ensure_metric_keys() numbers new keys in the order given (the order of the ping's document)
//     instead of DISTINCT's, so a ping's key ids come out nearly sorted and putting them in order
//     costs Versions a pass, not a sort of 3 000 ids.

const { LEADER_VALUE_INDEXES_SQL } = require('./20250610000000_versions_ingest_path');
const { DEVOPS_METRICS } = require('./20250601000000_versions_tables');
const { ENSURE_METRIC_KEYS_SQL } = require('./20251204000000_versions_read_model');

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    ${DEVOPS_METRICS.map((m) => `DROP INDEX devops_leader_values_instance_${m}_idx;`).join('\n    ')}

    -- The NOT EXISTS keeps ON CONFLICT from drawing (and wasting) a sequence value for every key
    -- that already exists.
    CREATE OR REPLACE FUNCTION ensure_metric_keys(key_paths text[]) RETURNS void
    LANGUAGE sql AS $fn$
      INSERT INTO metric_keys (key_path)
      SELECT t.p FROM unnest(key_paths) WITH ORDINALITY AS t(p, n)
       WHERE NOT EXISTS (SELECT 1 FROM metric_keys k WHERE k.key_path = t.p)
       GROUP BY t.p
       ORDER BY min(t.n)
      ON CONFLICT (key_path) DO NOTHING
    $fn$;
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    ${LEADER_VALUE_INDEXES_SQL}
    ${ENSURE_METRIC_KEYS_SQL}
  `);
};
