import { slowRequest } from '../../../../test/reliability/support/slow-request';
import { ADMIN_TOKEN, startHarness, type Harness } from './collector-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('wire', { COLLECTOR_AUTH_FAILURE_LIMIT: '5', COLLECTOR_REQUEST_TIMEOUT_MS: '2000' });
});
afterAll(async () => {
  await h.close();
});

describe('budgets on the wire', () => {
  it('answers an unauthenticated slow body with 401 at once, without reading it', async () => {
    const { answer, elapsedMs } = await slowRequest(
      h.baseUrl,
      'POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      1000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    // Answered at once, and the connection closed rather than kept to read the rest.
    expect(elapsedMs).toBeLessThan(1_500);
  });

  it('closes an authenticated body sent at one byte per 200 ms when the request budget (2 s) runs out', async () => {
    const { answer, elapsedMs } = await slowRequest(
      h.baseUrl,
      `PATCH /api/v1/settings HTTP/1.1\r\nHost: x\r\nPRIVATE-TOKEN: ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
      200,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(elapsedMs).toBeLessThan(6_000);
  });
});

describe('values the database cannot store', () => {
  it.each([
    ['PATCH', '/api/v1/settings', '{"license":{"a":"\\u0000"}}'],
    ['GET', '/api/v1/runs/%00', undefined],
    ['GET', '/runs/%00', undefined],
    ['GET', '/runs/%ZZ', undefined],
  ])('%s %s → 4xx', async (method, path, body) => {
    const res = await h.fetchAs(ADMIN_TOKEN, path, { method, ...(body ? { body } : {}) });
    await res.arrayBuffer();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('failed authentication limit', () => {
  it('refuses a client with 429 after 5 wrong tokens, whatever it presents next', async () => {
    // Start from no failures (the tests above answered 401s to this address too).
    const counted = await h.redis.keys(`${h.collector.queues.runs.opts.prefix}:auth-failures*`);
    if (counted.length > 0) await h.redis.del(...counted);
    const statuses: number[] = [];
    for (const path of [
      '/api/v1/runs',
      '/runs',
      '/admin/queues',
      '/api/v1/settings',
      '/api/v1/runs',
      '/api/v1/runs',
    ]) {
      const res = await h.fetchAs('wrong-token', path);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await h.fetchAs(ADMIN_TOKEN, '/api/v1/runs');
    await right.arrayBuffer();
    expect(right.status).toBe(429);
    // The count lives in Redis under the queue prefix, where every replica reads it.
    expect(await h.redis.keys(`${h.collector.queues.runs.opts.prefix}:auth-failures*`)).toHaveLength(1);
  });
});
