import type { Knex } from 'knex';

/** Resolves key paths to their `metric_keys` ids, in order; adds the paths not known yet. */
export type MetricKeyIds = (keyPaths: readonly string[]) => Promise<number[]>;

/**
 * Key ids never change once assigned, so each replica keeps the ones it has seen: a GitLab ping
 * brings the ~3 000 keys of the pings before it, and its ids cost no round trip. Only unknown
 * paths go to the database (ensure_metric_keys, then one lookup). Senders choose key paths, so
 * the cache is bounded: past `maxCachedKeys` it starts over rather than grow.
 */
export function createMetricKeyIds(db: Knex, options: { maxCachedKeys: number }): MetricKeyIds {
  const cache = new Map<string, number>();
  return async (keyPaths) => {
    const ids = keyPaths.map((path) => cache.get(path));
    const unknown = keyPaths.filter((_, i) => ids[i] === undefined);
    if (unknown.length === 0) return ids as number[];
    const found = await lookUp(db, unknown);
    if (cache.size + found.size > options.maxCachedKeys) cache.clear();
    for (const [path, id] of found) cache.set(path, id);
    return keyPaths.map((path, i) => ids[i] ?? found.get(path)!);
  };
}

async function lookUp(db: Knex, keyPaths: string[]): Promise<Map<string, number>> {
  await db.raw('SELECT ensure_metric_keys(?::text[])', [keyPaths]);
  const result = await db.raw<{ rows: Array<{ id: number; key_path: string }> }>(
    'SELECT id, key_path FROM metric_keys WHERE key_path = ANY (?::text[])',
    [keyPaths],
  );
  return new Map(result.rows.map((row) => [row.key_path, row.id]));
}
