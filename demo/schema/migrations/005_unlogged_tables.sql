-- The demo tables skip the write-ahead log. This database is generated, never edited: the
-- seeder truncates and regenerates it at will from (seed, now), and skipping WAL halves the
-- cost of the bulk load and of the index builds after it (measured in docs/demo-instance.md).
-- The price: after a server crash (not a clean restart) PostgreSQL empties unlogged tables, and
-- they are not replicated; re-run `servping demo seed` with the same --seed and --now to get
-- the identical data back. A logged table may not reference an unlogged one, so children go
-- first (the reverse of the creation order).
ALTER TABLE clusters SET UNLOGGED;
ALTER TABLE packages_packages SET UNLOGGED;
ALTER TABLE releases SET UNLOGGED;
ALTER TABLE deployments SET UNLOGGED;
ALTER TABLE environments SET UNLOGGED;
ALTER TABLE ci_builds SET UNLOGGED;
ALTER TABLE ci_pipelines SET UNLOGGED;
ALTER TABLE ci_runners SET UNLOGGED;
ALTER TABLE lists SET UNLOGGED;
ALTER TABLE boards SET UNLOGGED;
ALTER TABLE todos SET UNLOGGED;
ALTER TABLE events SET UNLOGGED;
ALTER TABLE notes SET UNLOGGED;
ALTER TABLE merge_requests SET UNLOGGED;
ALTER TABLE issues SET UNLOGGED;
ALTER TABLE labels SET UNLOGGED;
ALTER TABLE milestones SET UNLOGGED;
ALTER TABLE integrations SET UNLOGGED;
ALTER TABLE projects SET UNLOGGED;
ALTER TABLE namespaces SET UNLOGGED;
ALTER TABLE users SET UNLOGGED;
