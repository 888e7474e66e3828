/**
 * The value of one key (bound parameter: its key path) in ping `u`, as `v.value` (NULL when the
 * ping has none): one primary-key probe per ping of the window into ping_metric_values and one into
 * metric_key_sets (the ping's key ids), then a binary search of that key id array (the key's id is
 * looked up once, an InitPlan). A set's key_ids are ascending and distinct, so width_bucket() (a
 * binary search over sorted thresholds) finds the last id ≤ the key's, which is the key iff it
 * equals it: 12 comparisons instead of array_position()'s scan of up to ~3 000 (for a key late in
 * the array, 290–320 → 220–240 ms of backend CPU over 10 000 pings; fetching the TOASTed arrays is
 * the rest). LIMIT 1 keeps PostgreSQL from flattening the LATERAL into a plain join that scans
 * every ping's values.
 */
export const KEY_VALUE_OF_PING = `LEFT JOIN LATERAL (
         SELECT CASE WHEN ks.key_ids[s.position] = s.key_id THEN p."values"[s.position] END AS value
           FROM ping_metric_values p
           JOIN metric_key_sets ks ON ks.id = p.key_set_id
          CROSS JOIN LATERAL (
                SELECT k.key_id, width_bucket(k.key_id, ks.key_ids) AS position
                  FROM (SELECT (SELECT id FROM metric_keys WHERE key_path = ?) AS key_id) k) s
          WHERE p.usage_data_id = u.id
          LIMIT 1) v ON true`;
