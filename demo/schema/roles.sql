-- The read-only role metric counting connects as (docs: "Counting connects with a read-only
-- role"). Applied by `servping demo seed` when its user may create roles; re-runnable.
-- Every session of the role starts read-only, and it holds SELECT and nothing else.

DO $$
BEGIN
  CREATE ROLE servping_reader LOGIN;
EXCEPTION
  -- Roles are server-wide: another database's seeder may have created it first.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

ALTER ROLE servping_reader SET default_transaction_read_only = on;
REVOKE CREATE ON SCHEMA public FROM servping_reader;
GRANT USAGE ON SCHEMA public TO servping_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO servping_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO servping_reader;
