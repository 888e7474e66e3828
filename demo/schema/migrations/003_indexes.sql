-- Indexes batch counting needs: every column a distinct_count, average or histogram batches
-- over (the batch loop ranges over the column's own values), every timestamp column a 7d/28d
-- window filters on, and the foreign keys the catalog joins through. Names follow GitLab's
-- index_<table>_on_<column> convention. The seeder drops and recreates these around a bulk
-- load (faster than maintaining them row by row), so every index must live in this file.

CREATE INDEX IF NOT EXISTS index_users_on_created_at ON users (created_at);
-- GitLab's own (TiebreakUserTypeIndex migration): bots are found by type. Without it a join that
-- keeps only bots (counts.service_desk_issues) hashes every user for every batch.
CREATE INDEX IF NOT EXISTS index_users_on_user_type_and_id ON users (user_type, id);
CREATE INDEX IF NOT EXISTS index_namespaces_on_owner_id ON namespaces (owner_id);
CREATE INDEX IF NOT EXISTS index_namespaces_on_parent_id ON namespaces (parent_id);
CREATE INDEX IF NOT EXISTS index_projects_on_namespace_id ON projects (namespace_id);
CREATE INDEX IF NOT EXISTS index_projects_on_creator_id ON projects (creator_id);
CREATE INDEX IF NOT EXISTS index_projects_on_created_at ON projects (created_at);
CREATE INDEX IF NOT EXISTS index_integrations_on_project_id ON integrations (project_id);
CREATE INDEX IF NOT EXISTS index_milestones_on_project_id ON milestones (project_id);
CREATE INDEX IF NOT EXISTS index_milestones_on_created_at ON milestones (created_at);
CREATE INDEX IF NOT EXISTS index_labels_on_project_id ON labels (project_id);
CREATE INDEX IF NOT EXISTS index_issues_on_project_id ON issues (project_id);
CREATE INDEX IF NOT EXISTS index_issues_on_author_id ON issues (author_id);
CREATE INDEX IF NOT EXISTS index_issues_on_weight ON issues (weight);
CREATE INDEX IF NOT EXISTS index_issues_on_created_at ON issues (created_at);
CREATE INDEX IF NOT EXISTS index_issues_on_closed_at ON issues (closed_at);
CREATE INDEX IF NOT EXISTS index_merge_requests_on_target_project_id ON merge_requests (target_project_id);
CREATE INDEX IF NOT EXISTS index_merge_requests_on_author_id ON merge_requests (author_id);
CREATE INDEX IF NOT EXISTS index_merge_requests_on_created_at ON merge_requests (created_at);
CREATE INDEX IF NOT EXISTS index_notes_on_author_id ON notes (author_id);
CREATE INDEX IF NOT EXISTS index_notes_on_created_at ON notes (created_at);
CREATE INDEX IF NOT EXISTS index_events_on_author_id ON events (author_id);
CREATE INDEX IF NOT EXISTS index_events_on_created_at ON events (created_at);
CREATE INDEX IF NOT EXISTS index_todos_on_author_id ON todos (author_id);
CREATE INDEX IF NOT EXISTS index_todos_on_created_at ON todos (created_at);
CREATE INDEX IF NOT EXISTS index_boards_on_project_id ON boards (project_id);
CREATE INDEX IF NOT EXISTS index_lists_on_board_id ON lists (board_id);
CREATE INDEX IF NOT EXISTS index_ci_pipelines_on_project_id ON ci_pipelines (project_id);
CREATE INDEX IF NOT EXISTS index_ci_pipelines_on_user_id ON ci_pipelines (user_id);
CREATE INDEX IF NOT EXISTS index_ci_pipelines_on_duration ON ci_pipelines (duration);
CREATE INDEX IF NOT EXISTS index_ci_pipelines_on_created_at ON ci_pipelines (created_at);
CREATE INDEX IF NOT EXISTS index_ci_builds_on_commit_id ON ci_builds (commit_id);
CREATE INDEX IF NOT EXISTS index_ci_builds_on_user_id ON ci_builds (user_id);
CREATE INDEX IF NOT EXISTS index_ci_builds_on_created_at ON ci_builds (created_at);
CREATE INDEX IF NOT EXISTS index_environments_on_project_id ON environments (project_id);
CREATE INDEX IF NOT EXISTS index_environments_on_created_at ON environments (created_at);
CREATE INDEX IF NOT EXISTS index_deployments_on_environment_id ON deployments (environment_id);
CREATE INDEX IF NOT EXISTS index_deployments_on_user_id ON deployments (user_id);
CREATE INDEX IF NOT EXISTS index_deployments_on_created_at ON deployments (created_at);
CREATE INDEX IF NOT EXISTS index_releases_on_author_id ON releases (author_id);
CREATE INDEX IF NOT EXISTS index_releases_on_created_at ON releases (created_at);
CREATE INDEX IF NOT EXISTS index_packages_packages_on_project_id ON packages_packages (project_id);
CREATE INDEX IF NOT EXISTS index_packages_packages_on_created_at ON packages_packages (created_at);
CREATE INDEX IF NOT EXISTS index_clusters_on_user_id ON clusters (user_id);
