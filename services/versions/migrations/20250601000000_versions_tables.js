// The Versions database: one row per instance, one row per ping (facts as typed columns, the
// metrics as jsonb), timings and errors as rows, and the DevOps score each ping was answered with.
// Plain SQL so that an analyst reading this file sees exactly what they query.

/**
 * The ten metrics of GitLab's DevOps score, in the order this schema first stored them. Later
 * migrations take the list from here: a migration is a snapshot, so its SQL must not follow the
 * application's list (src/scoring/devops-score.ts), which a test holds to the columns it finds.
 */
const DEVOPS_METRIC_NAMES =
  'issues notes milestones boards merge_requests ci_pipelines environments deployments projects_prometheus_active service_desk_issues';
const DEVOPS_METRICS = Object.freeze(DEVOPS_METRIC_NAMES.split(' '));

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    CREATE TABLE instances (
      id                 bigserial PRIMARY KEY,
      uuid               text NOT NULL UNIQUE,
      hostname           text NOT NULL,
      first_ping_at      timestamptz NOT NULL,
      -- "update license ping time": when this instance last reached us (server clock).
      last_ping_at       timestamptz NOT NULL,
      last_recorded_at   timestamptz NOT NULL,
      last_version       text NOT NULL,
      edition            text,
      installation_type  text,
      license_md5        text,
      license_sha256     text,
      license_id         bigint,
      license_plan       text,
      license_expires_at date,
      license_trial      boolean,
      ping_count         integer NOT NULL DEFAULT 0,
      updated_at         timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX instances_last_ping_at_idx ON instances (last_ping_at);

    CREATE TABLE usage_data (
      id                      bigserial PRIMARY KEY,
      instance_id             bigint NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      uuid                    text NOT NULL,
      recorded_at             timestamptz NOT NULL,
      received_at             timestamptz NOT NULL DEFAULT now(),
      hostname                text NOT NULL,
      version                 text NOT NULL,
      edition                 text,
      installation_type       text,
      active_user_count       bigint,
      historical_max_users    bigint,
      license_md5             text,
      license_sha256          text,
      license_id              bigint,
      license_plan            text,
      license_user_count      bigint,
      license_starts_at       date,
      license_expires_at      date,
      license_trial           boolean,
      license_subscription_id text,
      -- payload.counts: the object analysts query most, kept apart so it can be indexed on its own.
      stats                   jsonb NOT NULL DEFAULT '{}'::jsonb,
      payload                 jsonb NOT NULL,
      -- Re-sends of the same (uuid, recorded_at) are counted here instead of stored again.
      duplicate_count         integer NOT NULL DEFAULT 0,
      last_received_at        timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT usage_data_uuid_recorded_at_key UNIQUE (uuid, recorded_at)
    );
    CREATE INDEX usage_data_instance_recorded_idx ON usage_data (instance_id, recorded_at DESC, id DESC);
    CREATE INDEX usage_data_received_at_idx ON usage_data (received_at);
    CREATE INDEX usage_data_version_idx ON usage_data (version);
    CREATE INDEX usage_data_stats_gin_idx ON usage_data USING gin (stats jsonb_path_ops);

    CREATE TABLE usage_ping_metadata (
      id            bigserial PRIMARY KEY,
      uuid          text NOT NULL,
      instance_id   bigint REFERENCES instances (id) ON DELETE SET NULL,
      -- The instance's latest ping when the metadata arrived (GitLab posts it right after /usage_data).
      usage_data_id bigint REFERENCES usage_data (id) ON DELETE SET NULL,
      version       text,
      metric_count  integer NOT NULL,
      received_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX usage_ping_metadata_uuid_idx ON usage_ping_metadata (uuid, received_at DESC);

    CREATE TABLE usage_ping_metric_timings (
      id               bigserial PRIMARY KEY,
      metadata_id      bigint NOT NULL REFERENCES usage_ping_metadata (id) ON DELETE CASCADE,
      name             text NOT NULL,
      time_elapsed_s   double precision NOT NULL,
      error            text
    );
    CREATE INDEX usage_ping_metric_timings_metadata_idx ON usage_ping_metric_timings (metadata_id);
    CREATE INDEX usage_ping_metric_timings_name_idx ON usage_ping_metric_timings (name);

    CREATE TABLE usage_ping_errors (
      id           bigserial PRIMARY KEY,
      uuid         text NOT NULL,
      instance_id  bigint REFERENCES instances (id) ON DELETE SET NULL,
      hostname     text NOT NULL,
      version      text NOT NULL,
      message      text NOT NULL,
      elapsed_s    double precision NOT NULL,
      occurred_at  timestamptz NOT NULL,
      received_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX usage_ping_errors_uuid_idx ON usage_ping_errors (uuid, occurred_at DESC);
    CREATE INDEX usage_ping_errors_received_at_idx ON usage_ping_errors (received_at);

    CREATE TABLE conversational_development_indices (
      id            bigserial PRIMARY KEY,
      usage_data_id bigint NOT NULL UNIQUE REFERENCES usage_data (id) ON DELETE CASCADE,
      instance_id   bigint NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
      -- false on an instance's first ping: the score is stored (it feeds later leaders) but the
      -- answer carries only usage_data_id, as GitLab's SubmitService expects.
      reported      boolean NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now(),
      ${DEVOPS_METRICS.flatMap((m) => [
        `leader_${m} double precision NOT NULL`,
        `instance_${m} double precision NOT NULL`,
        `percentage_${m} double precision NOT NULL`,
      ]).join(',\n      ')}
    );
    CREATE INDEX conversational_development_indices_instance_idx
      ON conversational_development_indices (instance_id, created_at DESC);
  `);
};

/** @param {import('knex').Knex} knex */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP TABLE conversational_development_indices;
    DROP TABLE usage_ping_errors;
    DROP TABLE usage_ping_metric_timings;
    DROP TABLE usage_ping_metadata;
    DROP TABLE usage_data;
    DROP TABLE instances;
  `);
};

module.exports.DEVOPS_METRICS = DEVOPS_METRICS;
