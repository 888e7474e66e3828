-- CI/CD, packages and infrastructure tables (GitLab's ci_* tables keep their historic names:
-- ci_builds.commit_id is the pipeline id, ci_builds.type is the STI class).

CREATE TABLE IF NOT EXISTS ci_runners (
  id bigint PRIMARY KEY,
  runner_type smallint NOT NULL,                 -- 1 instance_type, 2 group_type, 3 project_type
  active boolean NOT NULL DEFAULT true,
  contacted_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS ci_pipelines (
  id bigint PRIMARY KEY,
  project_id bigint NOT NULL,
  user_id bigint,
  ref text,
  status text NOT NULL,                          -- success | failed | canceled | running | skipped
  source smallint,                               -- 1 push, 2 web, 3 trigger, 4 schedule, 5 api, ...
  config_source smallint,                        -- 1 repository_source, 2 auto_devops_source, ...
  duration integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);

CREATE TABLE IF NOT EXISTS ci_builds (
  id bigint PRIMARY KEY,
  commit_id bigint NOT NULL,
  project_id bigint NOT NULL,
  user_id bigint,
  runner_id bigint,
  type text NOT NULL,                            -- Ci::Build | Ci::Bridge | GenericCommitStatus
  name text NOT NULL,
  stage text,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);

CREATE TABLE IF NOT EXISTS environments (
  id bigint PRIMARY KEY,
  project_id bigint NOT NULL,
  name text NOT NULL,
  state text NOT NULL DEFAULT 'available',       -- available | stopped
  tier smallint,                                 -- 0 production, 1 staging, 2 testing, 3 development, 4 other
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS deployments (
  id bigint PRIMARY KEY,
  project_id bigint NOT NULL,
  environment_id bigint NOT NULL,
  user_id bigint,
  iid integer NOT NULL,
  ref text NOT NULL,
  status smallint NOT NULL,                      -- 0 created, 1 running, 2 success, 3 failed, 4 canceled
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);

CREATE TABLE IF NOT EXISTS releases (
  id bigint PRIMARY KEY,
  project_id bigint NOT NULL,
  author_id bigint,
  tag text NOT NULL,
  released_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS packages_packages (
  id bigint PRIMARY KEY,
  project_id bigint NOT NULL,
  creator_id bigint,
  name text NOT NULL,
  version text,
  package_type smallint NOT NULL,                -- 1 maven, 2 npm, 3 conan, 4 nuget, 5 pypi, 6 composer, 7 generic, ...
  status smallint NOT NULL DEFAULT 0,            -- 0 default, 1 hidden, 2 processing, 3 error
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS clusters (
  id bigint PRIMARY KEY,
  user_id bigint,
  management_project_id bigint,
  provider_type smallint,                        -- 0 user, 1 gcp, 2 aws
  platform_type smallint,                        -- 1 kubernetes
  cluster_type smallint NOT NULL DEFAULT 3,      -- 1 instance_type, 2 group_type, 3 project_type
  enabled boolean NOT NULL DEFAULT true,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
