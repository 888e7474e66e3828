/**
 * The value of one key (bound parameter: its key path) in ping `u`, as `v.value` (NULL when the
 * ping has none): one primary-key probe per ping of the window into ping_metric_values, then a
 * binary search of that ping's key id array (the id is looked up once, an InitPlan). A ping's
 * key_ids are ascending and distinct, so width_bucket() (a binary search over sorted thresholds)
 * finds the last id ≤ the key's, which is the key iff it equals it: 12 comparisons instead of
 * array_position()'s scan of up to ~3 000 (for a key late in the array, 290–320 → 220–240 ms of
 * backend CPU over 10 000 pings; fetching the two TOASTed arrays is the rest). LIMIT 1
 * keeps PostgreSQL from flattening the LATERAL into a plain join that scans every ping's values.
 */
export const KEY_VALUE_OF_PING = `LEFT JOIN LATERAL (
         SELECT CASE WHEN p.key_ids[s.position] = s.key_id THEN p."values"[s.position] END AS value
           FROM ping_metric_values p
          CROSS JOIN LATERAL (
                SELECT k.key_id, width_bucket(k.key_id, p.key_ids) AS position
                  FROM (SELECT (SELECT id FROM metric_keys WHERE key_path = ?) AS key_id) k) s
          WHERE p.usage_data_id = u.id
          LIMIT 1) v ON true`;
