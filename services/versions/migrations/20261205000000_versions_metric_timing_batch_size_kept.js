// Issue #13: a database metric whose adaptive batches stopped shrinking (halving them did not
// shorten their statements) reports the batch size it kept as `batch_size_kept` in the timings
// metadata. NULL for every other metric and for instances that do not send it (GitLab).

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw('ALTER TABLE usage_ping_metric_timings ADD COLUMN batch_size_kept bigint');
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw('ALTER TABLE usage_ping_metric_timings DROP COLUMN batch_size_kept');
};
