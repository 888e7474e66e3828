/**
 * A token bucket per client: `burst` tokens at most, refilled at `perMinute` tokens per minute.
 * Pure: the caller passes the clock and keeps the state.
 */
export interface TokenBucketState {
  tokens: number;
  updatedAtMs: number;
}

/** A bucket's size: refill rate in tokens per minute, and at most `burst` tokens at once. */
export interface TokenBucketLimits {
  perMinute: number;
  burst: number;
}

/** Whether a token was taken, the bucket after the attempt and, when refused, seconds to wait. */
export type TakeResult =
  | { allowed: true; state: TokenBucketState }
  | { allowed: false; state: TokenBucketState; retryAfterS: number };

/** Refills `state` (undefined = a new, full bucket) up to `nowMs` and tries to take one token. */
export function takeToken(
  state: TokenBucketState | undefined,
  nowMs: number,
  limits: TokenBucketLimits,
): TakeResult {
  const refillPerMs = limits.perMinute / 60_000;
  const elapsedMs = state ? Math.max(0, nowMs - state.updatedAtMs) : 0;
  const tokens = state ? Math.min(limits.burst, state.tokens + elapsedMs * refillPerMs) : limits.burst;
  if (tokens >= 1) return { allowed: true, state: { tokens: tokens - 1, updatedAtMs: nowMs } };
  const retryAfterS = refillPerMs > 0 ? Math.ceil((1 - tokens) / refillPerMs / 1000) : 60;
  return { allowed: false, state: { tokens, updatedAtMs: nowMs }, retryAfterS: Math.max(1, retryAfterS) };
}

/** True when the bucket has refilled completely, so forgetting it changes nothing. */
export function isFull(state: TokenBucketState, nowMs: number, limits: TokenBucketLimits): boolean {
  return state.tokens + (nowMs - state.updatedAtMs) * (limits.perMinute / 60_000) >= limits.burst;
}
