/**
 * The value of one key (bound parameter: its key path) in ping `u`, as `v.value` (NULL when the
 * ping has none): one primary-key probe per ping of the window into ping_metric_values, then a
 * scan of that ping's key id array (the id is looked up once, an InitPlan). LIMIT 1 keeps
 * PostgreSQL from flattening the LATERAL into a plain join that scans every ping's values.
 */
export const KEY_VALUE_OF_PING = `LEFT JOIN LATERAL (
         SELECT p."values"[array_position(p.key_ids, (SELECT id FROM metric_keys WHERE key_path = ?))] AS value
           FROM ping_metric_values p
          WHERE p.usage_data_id = u.id
          LIMIT 1) v ON true`;
