-- The demo instance: GitLab's hot tables with GitLab's table and column names, reduced to the
-- columns the metric catalog counts on. Keys are bigint like GitLab's; every row has created_at.
-- Small enumerations are smallint where GitLab stores Rails enums as integers (state_id,
-- action, status of deployments), text where GitLab stores strings (users.state, ci_builds.type).

CREATE TABLE IF NOT EXISTS users (
  id bigint PRIMARY KEY,
  username text NOT NULL,
  state text NOT NULL DEFAULT 'active',          -- active | blocked | deactivated
  user_type smallint NOT NULL DEFAULT 0,         -- 0 human, 1 support_bot, 6 project_bot, ...
  admin boolean NOT NULL DEFAULT false,
  last_activity_on date,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS namespaces (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  path text NOT NULL,
  type text NOT NULL,                            -- User | Group
  owner_id bigint,
  parent_id bigint,
  visibility_level integer NOT NULL DEFAULT 0,   -- 0 private, 10 internal, 20 public
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS projects (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  path text NOT NULL,
  namespace_id bigint NOT NULL,
  creator_id bigint,
  visibility_level integer NOT NULL DEFAULT 0,
  archived boolean NOT NULL DEFAULT false,
  service_desk_enabled boolean NOT NULL DEFAULT false,
  last_activity_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS integrations (
  id bigint PRIMARY KEY,
  project_id bigint,
  type_new text NOT NULL,                        -- Integrations::Prometheus, Integrations::Jira, ...
  active boolean NOT NULL DEFAULT false,
  category text NOT NULL DEFAULT 'common',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS milestones (
  id bigint PRIMARY KEY,
  project_id bigint,
  group_id bigint,
  title text NOT NULL,
  state text NOT NULL DEFAULT 'active',          -- active | closed
  due_date date,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS labels (
  id bigint PRIMARY KEY,
  project_id bigint,
  group_id bigint,
  title text NOT NULL,
  type text NOT NULL,                            -- ProjectLabel | GroupLabel
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS issues (
  id bigint PRIMARY KEY,
  project_id bigint NOT NULL,
  author_id bigint,
  milestone_id bigint,
  iid integer NOT NULL,
  state_id smallint NOT NULL DEFAULT 1,          -- 1 opened, 2 closed
  confidential boolean NOT NULL DEFAULT false,
  weight integer,
  issue_type smallint NOT NULL DEFAULT 0,        -- 0 issue, 1 incident, 2 test_case, 3 requirement, 4 task
  service_desk_reply_to text,
  closed_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS merge_requests (
  id bigint PRIMARY KEY,
  target_project_id bigint NOT NULL,
  source_project_id bigint,
  author_id bigint,
  milestone_id bigint,
  iid integer NOT NULL,
  state_id smallint NOT NULL DEFAULT 1,          -- 1 opened, 2 closed, 3 merged, 4 locked
  draft boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS notes (
  id bigint PRIMARY KEY,
  project_id bigint,
  author_id bigint,
  noteable_type text NOT NULL,                   -- Issue | MergeRequest | Commit | Snippet
  noteable_id bigint,
  system boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
  id bigint PRIMARY KEY,
  project_id bigint,
  author_id bigint NOT NULL,
  target_type text,
  target_id bigint,
  action smallint NOT NULL,                      -- 1 created, 3 closed, 5 pushed, 6 commented, 7 merged, ...
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS todos (
  id bigint PRIMARY KEY,
  user_id bigint NOT NULL,
  author_id bigint NOT NULL,
  project_id bigint,
  target_type text NOT NULL,
  target_id bigint,
  action integer NOT NULL,                       -- 1 assigned, 2 mentioned, 4 marked, 5 approval_required
  state text NOT NULL,                           -- pending | done
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS boards (
  id bigint PRIMARY KEY,
  project_id bigint,
  group_id bigint,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS lists (
  id bigint PRIMARY KEY,
  board_id bigint NOT NULL,
  label_id bigint,
  list_type smallint NOT NULL DEFAULT 1,         -- 0 backlog, 1 label, 2 closed, 3 assignee, 4 milestone
  position integer,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
