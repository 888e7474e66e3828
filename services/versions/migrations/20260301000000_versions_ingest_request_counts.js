// Several Versions replicas behind a load balancer share one database (issue 16). The ingest rate
// limit counts there too, so a client gets the configured rate however many replicas there are and
// whichever one it reaches: rate-limiter-flexible's RateLimiterPostgres table layout (fixed
// windows; `expire` in ms since the epoch), as auth_failures already is for the read side.

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    CREATE TABLE ingest_request_counts (
      key    varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    );
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw('DROP TABLE ingest_request_counts');
};
