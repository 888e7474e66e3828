/**
 * Polls `probe` until it returns something other than undefined, at most `timeoutMs`. Used only
 * where the system under test offers no event to wait for (a row appearing in another process's
 * database, a run reaching a state); every loop is bounded in time and in count.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const intervalMs = options.intervalMs ?? 100;
  const maxTries = Math.ceil(options.timeoutMs / intervalMs) + 1;
  const giveUpAt = Date.now() + options.timeoutMs;
  let lastFailure: { error: unknown } | undefined;
  for (let i = 0; i < maxTries && Date.now() <= giveUpAt; i += 1) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastFailure = { error: err };
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${options.timeoutMs} ms waiting for ${what}${lastFailure ? `: ${String(lastFailure.error)}` : ''}`,
  );
}

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, i: number) => Promise<R>,
) {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
