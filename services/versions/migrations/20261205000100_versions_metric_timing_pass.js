// Issue #13: database metrics over the same rows are computed by one shared table pass; the
// timings metadata names the pass a metric rode in (`pass`) and what the whole pass cost
// (`pass_statements`, `pass_rows`: rows read after joins and window). NULL for metrics that
// walked alone and for instances that do not send them (GitLab).

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    ALTER TABLE usage_ping_metric_timings
      ADD COLUMN pass text,
      ADD COLUMN pass_statements bigint,
      ADD COLUMN pass_rows bigint
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    ALTER TABLE usage_ping_metric_timings
      DROP COLUMN pass, DROP COLUMN pass_statements, DROP COLUMN pass_rows
  `);
};
