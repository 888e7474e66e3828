/**
 * The servping database: instance settings, runs, stored payloads. The schema is documented in
 * docs/architecture.md ("servping database"); the aggregator writes raw_usage_data against it.
 * Plain JavaScript so the same file runs from `src` under jest and from `dist` in production.
 */

/** @param {import('knex').Knex} knex */
async function up(knex) {
  await knex.schema.createTable('settings', (t) => {
    t.smallint('id').primary();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.uuid('uuid').notNullable().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('hostname').notNullable();
    t.text('version').notNullable();
    t.text('edition').notNullable();
    t.text('installation_type').notNullable();
    t.text('versions_url').notNullable();
    t.specificType('permitted_data_categories', 'text[]').notNullable();
    t.jsonb('license').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE settings ADD CONSTRAINT settings_single_row CHECK (id = 1)');

  await knex.schema.createTable('runs', (t) => {
    t.text('id').primary();
    t.text('state').notNullable();
    t.text('requested_by').notNullable();
    t.boolean('submit').notNullable();
    t.timestamp('recorded_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.integer('metrics_total').notNullable().defaultTo(0);
    t.integer('metrics_done').notNullable().defaultTo(0);
    t.integer('fallbacks').notNullable().defaultTo(0);
    t.integer('shards').notNullable().defaultTo(0);
    t.text('error').nullable();
  });
  await knex.raw(
    "ALTER TABLE runs ADD CONSTRAINT runs_state CHECK (state IN ('planned', 'running', 'finished', 'failed'))",
  );
  // At most one active run per instance, whatever races between triggers.
  await knex.raw(
    "CREATE UNIQUE INDEX runs_one_active ON runs ((true)) WHERE state IN ('planned', 'running')",
  );
  await knex.raw('CREATE INDEX runs_created_at ON runs (created_at DESC)');

  await knex.schema.createTable('raw_usage_data', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('recorded_at', { useTz: true }).notNullable().unique();
    t.text('run_id').nullable();
    t.jsonb('payload').notNullable();
    t.jsonb('metadata').nullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.bigInteger('version_usage_data_id_value').nullable();
    t.jsonb('conv_index').nullable();
    t.integer('submit_attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
  });
  await knex.raw('CREATE INDEX raw_usage_data_run_id ON raw_usage_data (run_id)');
}

/** @param {import('knex').Knex} knex */
async function down(knex) {
  await knex.schema.dropTable('raw_usage_data');
  await knex.schema.dropTable('runs');
  await knex.schema.dropTable('settings');
}

module.exports = { up, down };
