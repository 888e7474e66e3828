import { isFull, takeToken, type TokenBucketState } from './token-bucket';

const limits = { perMinute: 60, burst: 3 };

describe('takeToken', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    let state: TokenBucketState | undefined;
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = takeToken(state, 1_000, limits);
      state = r.state;
      outcomes.push(r.allowed ? 'ok' : `retry ${r.retryAfterS}`);
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'retry 1']);
  });

  it('refills at perMinute tokens per minute, capped at burst', () => {
    const empty = { tokens: 0, updatedAtMs: 0 };
    expect(takeToken(empty, 500, limits).allowed).toBe(false);
    const refilled = takeToken(empty, 1_000, limits);
    expect(refilled).toEqual({ allowed: true, state: { tokens: 0, updatedAtMs: 1_000 } });
    expect(takeToken(empty, 3_600_000, limits).state.tokens).toBe(2);
  });

  it('asks for a longer wait when the refill is slow', () => {
    const r = takeToken({ tokens: 0.5, updatedAtMs: 0 }, 0, { perMinute: 1, burst: 1 });
    expect(r).toMatchObject({ allowed: false, retryAfterS: 30 });
  });
});

describe('isFull', () => {
  it.each([
    [{ tokens: 3, updatedAtMs: 0 }, 0, true],
    [{ tokens: 1, updatedAtMs: 0 }, 1_999, false],
    [{ tokens: 1, updatedAtMs: 0 }, 2_000, true],
  ])('%j at %d ms → %s', (state, now, expected) => {
    expect(isFull(state, now, limits)).toBe(expected);
  });
});
