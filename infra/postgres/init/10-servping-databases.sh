#!/usr/bin/env bash
# Runs once, on the first start of an empty data volume (docker-entrypoint-initdb.d), as the
# superuser from POSTGRES_USER. Creates the three servping databases and the read-only counting
# role. The demo instance schema itself is applied by `servping demo seed`, which records its
# migrations; applying it here too would make the seeder re-run them.
set -euo pipefail

: "${SERVPING_READER_PASSWORD:?SERVPING_READER_PASSWORD must be set for the servping_reader role}"

psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER")

"${psql[@]}" --dbname postgres <<'SQL'
CREATE DATABASE servping_instance;  -- the product database metrics count (demo instance)
CREATE DATABASE servping;           -- collector side: settings, runs, raw_usage_data
CREATE DATABASE servping_versions;  -- the Versions ingest service
SQL

# The same role file `servping demo seed` applies: SELECT only, every session read-only.
"${psql[@]}" --dbname servping_instance --file /servping/instance-db/roles.sql

# Compose connects over the network with password authentication, so the role needs one. psql
# variables are quoted by psql itself (:'name'), so the password needs no escaping here.
"${psql[@]}" --dbname postgres --set reader_password="$SERVPING_READER_PASSWORD" <<'SQL'
ALTER ROLE servping_reader PASSWORD :'reader_password';
SQL
