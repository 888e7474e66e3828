// The payload stored once, as the JSON text that was sent (issue 16, last item). PostgreSQL spent
// most of its ingest CPU on the payload: parsing the 62 KB body into jsonb (~1 ms a ping on the
// 2-core bench machine) and storing its `counts` a second time as `stats` (~0.25 ms: the copy's
// TOAST compression and WAL). Nothing at ingest reads the payload inside PostgreSQL any more
// (metric values come from Versions as arrays, the score from Versions), so:
//   - usage_data.payload becomes `json`: the text as sent, checked for syntax (a lexer pass) but not
//     parsed into a tree. Versions only stores a body that jsonb can also read (see
//     `mayHoldUnreadableNumber`), so `payload::jsonb` works on every row;
//   - usage_data.stats is dropped: it was always `payload -> 'counts'`, which is how it is read now
//     (latest_usage_data still has a `stats` jsonb column, computed only when a query reads it);
//   - ingest_usage_data() takes the payload as json and writes no stats;
//   - the views that read payload or stats are recreated over the json column.
// Every row stored before stays readable: ALTER ... TYPE rewrites it as jsonb's text of the same
// document (the rewrite holds an exclusive lock on usage_data while it runs; docs/versions.md,
// Performance, gives its speed).

const { FAILURE_RATES_VIEW_SQL } = require('./20250601000100_versions_views');
const { ingestUsageDataSql } = require('./20250610000000_versions_ingest_path');

/** Views over usage_data's payload, dropped before the column changes and recreated after it. */
const DROP_VIEWS_SQL = `
    DROP VIEW metric_failure_rates;
    DROP VIEW usage_data_metric_values;
    DROP VIEW latest_usage_data;
`;

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    ${DROP_VIEWS_SQL}
    DROP FUNCTION ingest_usage_data(text, text, timestamptz, text, text, text, bigint, bigint, text, text,
                                    bigint, text, bigint, date, date, boolean, text, jsonb, timestamptz, jsonb);
    ALTER TABLE usage_data DROP COLUMN stats, ALTER COLUMN payload TYPE json USING payload::json;
  `);
  const { rows } = await knex.raw(
    `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  );
  if (rows[0]?.lz4) await knex.raw('ALTER TABLE usage_data ALTER COLUMN payload SET COMPRESSION lz4');
  await knex.raw(`
    ${ingestUsageDataSql({ payloadType: 'json', withStats: false })}

    -- The latest ping of every instance (by recorded_at; ties broken by the later row), with
    -- stats = payload.counts as jsonb, as usage_data had it (parsed only when a query reads it).
    CREATE VIEW latest_usage_data AS
      SELECT DISTINCT ON (instance_id) *, coalesce((payload -> 'counts')::jsonb, '{}'::jsonb) AS stats
        FROM usage_data
       ORDER BY instance_id, recorded_at DESC, id DESC;

    -- One row per numeric metric value of every ping.
    CREATE VIEW usage_data_metric_values AS
      SELECT u.id AS usage_data_id, u.instance_id, u.uuid, u.version, u.recorded_at, u.received_at,
             l.key_path, l.value
        FROM usage_data u
        CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload::jsonb) l;

    ${FAILURE_RATES_VIEW_SQL}
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    ${DROP_VIEWS_SQL}
    DROP FUNCTION ingest_usage_data(text, text, timestamptz, text, text, text, bigint, bigint, text, text,
                                    bigint, text, bigint, date, date, boolean, text, json, timestamptz, jsonb);
    ALTER TABLE usage_data ALTER COLUMN payload TYPE jsonb USING payload::jsonb,
      ADD COLUMN stats jsonb NOT NULL DEFAULT '{}'::jsonb;
    UPDATE usage_data SET stats = coalesce(payload -> 'counts', '{}'::jsonb);
  `);
  const { rows } = await knex.raw(
    `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  );
  if (rows[0]?.lz4) {
    await knex.raw(
      'ALTER TABLE usage_data ALTER COLUMN payload SET COMPRESSION lz4, ALTER COLUMN stats SET COMPRESSION lz4',
    );
  }
  await knex.raw(`
    ${ingestUsageDataSql({ payloadType: 'jsonb', withStats: true })}

    CREATE VIEW latest_usage_data AS
      SELECT DISTINCT ON (instance_id) *
        FROM usage_data
       ORDER BY instance_id, recorded_at DESC, id DESC;

    CREATE VIEW usage_data_metric_values AS
      SELECT u.id AS usage_data_id, u.instance_id, u.uuid, u.version, u.recorded_at, u.received_at,
             l.key_path, l.value
        FROM usage_data u
        CROSS JOIN LATERAL jsonb_numeric_leaves(u.payload) l;

    ${FAILURE_RATES_VIEW_SQL}
  `);
};
