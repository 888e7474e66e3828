// Each distinct key-id array stored once (issue 16). A ping's ping_metric_values row held its key ids
// (~3 000 for a GitLab ping: ~12 KB stored, which lz4 does not shrink, and 24 KB of bind parameter),
// and every ping of one GitLab version sends the same array. Writing it was ~0.2 ms of PostgreSQL CPU
// (1.45 → 1.26 ms a ping) and 12.5 of the 40 KB of WAL of each ping. Now:
//   - metric_key_sets holds each distinct array once, found by digest: sha256 of its text, computed
//     in SQL (a generated column) so every replica agrees; ensure_metric_key_set() adds one if it is
//     new and returns its id. Versions keeps the ids it has seen per replica, so the usual ping sends
//     one integer instead of the array and costs no extra round trip;
//   - ping_metric_values refers to its set by key_set_id instead of holding key_ids. The old CHECK
//     (as many key ids as values) now spans two tables and stays declarative: the row carries
//     key_count, CHECKed against its values, and the foreign key is (key_set_id, key_count), so the
//     referenced set must have as many key ids as the row has values (the foreign key is checked
//     anyway; this costs 4 bytes a row and no extra lookup);
//   - metric_values (the view of one row per numeric leaf) reads the ids through the set.
// Existing rows are moved over in place (one UPDATE, no table rewrite: their values stay where they
// are, and the UPDATE nulls key_ids first so the old arrays' TOAST is freed by vacuum). Sets are
// never deleted: a ping's deletion leaves its set for the other pings of its shape.

/** @param {import('knex').Knex} knex */
module.exports.up = async function up(knex) {
  await knex.raw(`
    -- The identity of a key-id array. Declared immutable because it is for integer[]: an integer
    -- array's text is ASCII digits, braces and commas whatever the settings (array_out and
    -- convert_to are only stable because of other element types and encodings).
    CREATE FUNCTION metric_key_set_digest(p_key_ids integer[]) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
      SELECT sha256(convert_to(p_key_ids::text, 'UTF8'))
    $fn$;

    CREATE TABLE metric_key_sets (
      id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key_ids   integer[] NOT NULL,
      key_count integer NOT NULL GENERATED ALWAYS AS (cardinality(key_ids)) STORED,
      digest    bytea NOT NULL GENERATED ALWAYS AS (metric_key_set_digest(key_ids)) STORED UNIQUE,
      -- What ping_metric_values' foreign key refers to (id alone is already unique).
      UNIQUE (id, key_count)
    );

    -- The id of the set of p_key_ids (ascending key ids), added if it is new. Looked up first, so
    -- resolving a known set (a replica that has just started) draws no identity value. Safe under
    -- concurrency: an insert of the same set by another transaction makes ON CONFLICT wait for it
    -- and do nothing, and the second lookup (a new snapshot under read committed) sees it. The
    -- lookup compares the arrays too, so a digest collision fails instead of answering another set.
    CREATE FUNCTION ensure_metric_key_set(p_key_ids integer[]) RETURNS integer
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_digest bytea := metric_key_set_digest(p_key_ids);
      v_id integer;
    BEGIN
      SELECT s.id INTO v_id FROM metric_key_sets s WHERE s.digest = v_digest AND s.key_ids = p_key_ids;
      IF v_id IS NOT NULL THEN
        RETURN v_id;
      END IF;
      INSERT INTO metric_key_sets (key_ids) VALUES (p_key_ids)
      ON CONFLICT (digest) DO NOTHING
      RETURNING id INTO v_id;
      IF v_id IS NULL THEN
        SELECT s.id INTO v_id FROM metric_key_sets s WHERE s.digest = v_digest AND s.key_ids = p_key_ids;
      END IF;
      IF v_id IS NULL THEN
        RAISE EXCEPTION 'metric_key_sets holds another array of the same digest';
      END IF;
      RETURN v_id;
    END
    $fn$;
  `);
  const { rows } = await knex.raw(
    `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  );
  if (rows[0]?.lz4) await knex.raw('ALTER TABLE metric_key_sets ALTER COLUMN key_ids SET COMPRESSION lz4');
  await knex.raw(`
    DROP VIEW metric_values;

    INSERT INTO metric_key_sets (key_ids)
    SELECT DISTINCT key_ids FROM ping_metric_values ORDER BY key_ids;

    ALTER TABLE ping_metric_values
      DROP CONSTRAINT ping_metric_values_check,
      ALTER COLUMN key_ids DROP NOT NULL,
      ADD COLUMN key_set_id integer,
      ADD COLUMN key_count integer;
    UPDATE ping_metric_values p
       SET key_set_id = s.id, key_count = s.key_count, key_ids = NULL
      FROM metric_key_sets s
     WHERE s.digest = metric_key_set_digest(p.key_ids);
    ALTER TABLE ping_metric_values
      DROP COLUMN key_ids,
      ALTER COLUMN key_set_id SET NOT NULL,
      ALTER COLUMN key_count SET NOT NULL,
      ADD CONSTRAINT ping_metric_values_key_count_check CHECK (key_count = cardinality("values")),
      ADD CONSTRAINT ping_metric_values_key_set_fkey
        FOREIGN KEY (key_set_id, key_count) REFERENCES metric_key_sets (id, key_count);

    -- One row per numeric leaf of a ping, as before.
    CREATE VIEW metric_values AS
      SELECT p.usage_data_id, t.key_id, t.value
        FROM ping_metric_values p
        JOIN metric_key_sets s ON s.id = p.key_set_id
        CROSS JOIN LATERAL unnest(s.key_ids, p."values") AS t(key_id, value);
  `);
};

/**
 * Puts each ping's key ids back into its row (as the table's last column) and drops the sets.
 * @param {import('knex').Knex} knex
 */
module.exports.down = async function down(knex) {
  await knex.raw(`
    DROP VIEW metric_values;
    ALTER TABLE ping_metric_values ADD COLUMN key_ids integer[];
  `);
  const { rows } = await knex.raw(
    `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
  );
  if (rows[0]?.lz4) await knex.raw('ALTER TABLE ping_metric_values ALTER COLUMN key_ids SET COMPRESSION lz4');
  await knex.raw(`
    UPDATE ping_metric_values p SET key_ids = s.key_ids FROM metric_key_sets s WHERE s.id = p.key_set_id;
    ALTER TABLE ping_metric_values
      DROP COLUMN key_set_id,
      DROP COLUMN key_count,
      ALTER COLUMN key_ids SET NOT NULL,
      ADD CONSTRAINT ping_metric_values_check CHECK (cardinality(key_ids) = cardinality("values"));
    DROP FUNCTION ensure_metric_key_set(integer[]);
    DROP TABLE metric_key_sets;
    DROP FUNCTION metric_key_set_digest(integer[]);

    CREATE VIEW metric_values AS
      SELECT p.usage_data_id, t.key_id, t.value
        FROM ping_metric_values p
        CROSS JOIN LATERAL unnest(p.key_ids, p."values") AS t(key_id, value);
  `);
};
