/**
 * A dictionary (of metrics or events) reloaded at most every `ttlMs`, for hot paths (event tracking) that must not read
 * and validate every YAML file per request. Concurrent callers share one load. A failed load is
 * not cached, so a fixed dictionary is picked up on the next call.
 */
export function cachedDictionary<T>(
  source: () => Promise<T>,
  ttlMs: number,
  now: () => number,
): () => Promise<T> {
  let cached: { at: number; load: Promise<T> } | undefined;
  return () => {
    if (!cached || now() - cached.at >= ttlMs) {
      const load = source();
      const entry = { at: now(), load };
      cached = entry;
      load.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.load;
  };
}
