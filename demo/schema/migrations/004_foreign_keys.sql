-- GitLab's foreign keys between the hot tables. Constraints cannot be declared IF NOT EXISTS,
-- so each is added only when missing; migrations stay re-runnable. The seeder loads rows that
-- satisfy them by construction and skips the per-row trigger checks during the bulk load
-- (session_replication_role = replica, as pg_restore does), when it is allowed to.

DO $$
DECLARE
  fk record;
BEGIN
  FOR fk IN
    SELECT * FROM (VALUES
      ('namespaces', 'owner_id', 'users'),
      ('namespaces', 'parent_id', 'namespaces'),
      ('projects', 'namespace_id', 'namespaces'),
      ('projects', 'creator_id', 'users'),
      ('integrations', 'project_id', 'projects'),
      ('milestones', 'project_id', 'projects'),
      ('labels', 'project_id', 'projects'),
      ('labels', 'group_id', 'namespaces'),
      ('issues', 'project_id', 'projects'),
      ('issues', 'author_id', 'users'),
      ('issues', 'milestone_id', 'milestones'),
      ('merge_requests', 'target_project_id', 'projects'),
      ('merge_requests', 'author_id', 'users'),
      ('merge_requests', 'milestone_id', 'milestones'),
      ('notes', 'project_id', 'projects'),
      ('notes', 'author_id', 'users'),
      ('events', 'project_id', 'projects'),
      ('events', 'author_id', 'users'),
      ('todos', 'user_id', 'users'),
      ('todos', 'author_id', 'users'),
      ('todos', 'project_id', 'projects'),
      ('boards', 'project_id', 'projects'),
      ('lists', 'board_id', 'boards'),
      ('lists', 'label_id', 'labels'),
      ('ci_pipelines', 'project_id', 'projects'),
      ('ci_pipelines', 'user_id', 'users'),
      ('ci_builds', 'commit_id', 'ci_pipelines'),
      ('ci_builds', 'project_id', 'projects'),
      ('ci_builds', 'runner_id', 'ci_runners'),
      ('environments', 'project_id', 'projects'),
      ('deployments', 'project_id', 'projects'),
      ('deployments', 'environment_id', 'environments'),
      ('deployments', 'user_id', 'users'),
      ('releases', 'project_id', 'projects'),
      ('releases', 'author_id', 'users'),
      ('packages_packages', 'project_id', 'projects'),
      ('packages_packages', 'creator_id', 'users'),
      ('clusters', 'user_id', 'users'),
      ('clusters', 'management_project_id', 'projects')
    ) AS t(source_table, source_column, target_table)
  LOOP
    IF NOT EXISTS (
      SELECT 1 FROM pg_constraint
      WHERE conname = format('fk_%s_%s', fk.source_table, fk.source_column)
    ) THEN
      EXECUTE format(
        'ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES %I (id) ON DELETE CASCADE',
        fk.source_table, format('fk_%s_%s', fk.source_table, fk.source_column),
        fk.source_column, fk.target_table
      );
    END IF;
  END LOOP;
END
$$;
