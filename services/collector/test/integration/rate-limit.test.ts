/**
 * The collector's public and token-checked routes sit behind a per-client token bucket, ahead of
 * authentication, so floods and wrong-token guesses are refused cheaply; ops routes are not limited
 * (probes and scrapes must always get through).
 */
import { startHarness, type Harness } from './collector-harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('ratelimit', {
    COLLECTOR_RATE_LIMIT_BURST: '3',
    COLLECTOR_RATE_LIMIT_PER_MINUTE: '1',
  });
});

afterAll(async () => {
  await harness.close();
});

describe('collector rate limit', () => {
  it('answers 429 with Retry-After once a client spends its burst, before checking tokens', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await harness.fetchAs('wrong-token', '/api/v1/runs')).status);
    }
    const limited = await harness.fetchAs(undefined, '/api/v4/usage_data/metric_definitions');
    expect(statuses).toEqual([401, 401, 401]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
  });

  it('never limits the ops routes', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => harness.fetchAs(undefined, '/healthz').then((r) => r.status)),
    );
    expect(answers).toEqual(Array(10).fill(200));
    const metrics = await (await harness.fetchAs(undefined, '/metrics')).text();
    expect(metrics).toMatch(/servping_collector_rate_limited_total\{[^}]*path="\/api"[^}]*\} 1/);
  });
});
