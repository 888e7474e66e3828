import { slowRequest } from '../../../../test/reliability/support/slow-request';
import { buildVersions, loadConfig, type VersionsApp } from '@servping/versions';
import {
  getJson,
  makePayload,
  postJson,
  READ_TOKEN,
  startVersions,
  type RunningVersions,
} from './versions-harness';

describe('an oversize body', () => {
  // The default request budget (120 s): the answer must not depend on how fast a loaded machine
  // moves 30 MB over loopback, which a 2 s budget turns into a 408.
  let svc: RunningVersions;
  beforeAll(async () => {
    svc = await startVersions({ VERSIONS_BODY_LIMIT_BYTES: String(10 * 1024 * 1024) });
  });
  afterAll(async () => {
    await svc.close();
  });

  it('answers a 30 MB body with a 413 that fetch can read (not "fetch failed")', async () => {
    const body = new Uint8Array(30 * 1024 * 1024).fill(0x20);
    const res = await fetch(`${svc.baseUrl}/usage_data`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe('too_large');
  });
});

describe('budgets on the wire', () => {
  let svc: RunningVersions;
  beforeAll(async () => {
    svc = await startVersions({
      VERSIONS_REQUEST_TIMEOUT_MS: '2000',
      VERSIONS_BODY_LIMIT_BYTES: String(10 * 1024 * 1024),
    });
  });
  afterAll(async () => {
    await svc.close();
  });

  it('closes a body sent at one byte per 200 ms when the request budget (2 s) runs out', async () => {
    const { answer, elapsedMs } = await slowRequest(
      svc.baseUrl,
      'POST /usage_data HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
      200,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(elapsedMs).toBeLessThan(6_000);
    // The service still answers others.
    expect((await postJson(svc.baseUrl, '/usage_data', makePayload())).status).toBe(201);
  });
});

describe('failed authentication limit, shared by replicas', () => {
  let a: RunningVersions;
  let b: VersionsApp;
  let bUrl: string;
  beforeAll(async () => {
    a = await startVersions({ VERSIONS_AUTH_FAILURE_LIMIT: '5' });
    // A second replica on the same database.
    b = buildVersions(
      loadConfig({
        VERSIONS_DATABASE_URL: a.databaseUrl,
        VERSIONS_PORT: '0',
        VERSIONS_HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        VERSIONS_READ_TOKENS: READ_TOKEN,
        VERSIONS_AUTH_FAILURE_LIMIT: '5',
        VERSIONS_MIGRATE_ON_START: 'false',
      }),
    );
    bUrl = `http://127.0.0.1:${(await b.start()).port}`;
  });
  afterAll(async () => {
    await b.stop();
    await a.close();
  });

  it('refuses a client with 429 after 5 wrong tokens, counted across both replicas', async () => {
    const statuses: number[] = [];
    for (const [url, path] of [
      [a.baseUrl, '/api/v1/instances'],
      [bUrl, '/api/v1/instances'],
      [a.baseUrl, '/dashboard'],
      [bUrl, '/api/v1/metrics/health'],
      [a.baseUrl, '/api/v1/instances'],
      [bUrl, '/api/v1/instances'],
      [a.baseUrl, '/api/v1/instances'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer wrong-token' } });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Even the right token waits out the window: guessing cannot go on between right and wrong.
    const right = await getJson(bUrl, '/api/v1/instances');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    // Ingest is not behind the limit.
    expect((await postJson(a.baseUrl, '/usage_data', makePayload())).status).toBe(201);
  });
});
