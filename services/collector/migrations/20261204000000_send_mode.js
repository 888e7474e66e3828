/**
 * GitLab's offline mode as a setting: `collect_only` stores every payload and sends none (the
 * operator downloads it and uploads it from a machine that can reach Versions). A run triggered
 * while collecting only is recorded with `collect_only` so the console can tell it from a preview.
 */

/** @param {import('knex').Knex} knex */
async function up(knex) {
  await knex.schema.alterTable('settings', (t) => {
    t.text('send_mode').notNullable().defaultTo('send');
  });
  await knex.raw(
    "ALTER TABLE settings ADD CONSTRAINT settings_send_mode CHECK (send_mode IN ('send', 'collect_only'))",
  );
  await knex.schema.alterTable('runs', (t) => {
    t.boolean('collect_only').notNullable().defaultTo(false);
  });
}

/** @param {import('knex').Knex} knex */
async function down(knex) {
  await knex.schema.alterTable('runs', (t) => t.dropColumn('collect_only'));
  await knex.raw('ALTER TABLE settings DROP CONSTRAINT settings_send_mode');
  await knex.schema.alterTable('settings', (t) => t.dropColumn('send_mode'));
}

module.exports = { up, down };
