/**
 * Key of a plain Redis counter (GitLab's RedisMetric / BaseCounter.redis_key): the event,
 * prefixed by `<prefix>_` when a prefix is given, prefixed by `USAGE_` unless
 * `includeUsagePrefix` is false, the whole upper-cased. The dictionary resolves definitions with
 * it and the tracking API increments the same key, so both sides cannot drift apart.
 */
export interface CounterKeyParts {
  event: string;
  /** GitLab's `options.prefix`: the key is required in YAML but its value may be null. */
  prefix?: string | null;
  /** Default true, as GitLab's `include_usage_prefix`. */
  includeUsagePrefix?: boolean;
}

/** The Redis key of a plain counter, from its event and options (see {@link CounterKeyParts}). */
export function counterKey({ event, prefix, includeUsagePrefix = true }: CounterKeyParts): string {
  const prefixed = prefix ? `${prefix}_${event}` : event;
  return (includeUsagePrefix ? `USAGE_${prefixed}` : prefixed).toUpperCase();
}
