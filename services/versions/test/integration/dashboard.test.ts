import { expect } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { makePayload, postJson, READ_TOKEN, startVersions, type RunningVersions } from './versions-harness';

/**
 * The slice of the browser's DOM that the page.evaluate callback reads. The callback runs in
 * Chromium; the test program is compiled without the DOM lib, whose fetch types clash with Node's.
 */
interface ChartNode {
  id: string;
  querySelectorAll(selector: string): Iterable<ChartNode> & { length: number };
}
declare const document: Pick<ChartNode, 'querySelectorAll'>;
/** A chart point as the $$eval callbacks read it. */
interface ChartPoint {
  getAttribute(name: string): string | null;
}

const CHROMIUM = '/usr/bin/chromium';
let svc: RunningVersions;
const clock = { now: new Date('2025-06-20T12:00:00.000Z') };

beforeAll(async () => {
  svc = await startVersions({ VERSIONS_SESSION_SECRET: 'dashboard-test-secret' }, () => clock.now);
  const weeks = ['2025-05-19', '2025-05-26', '2025-06-02', '2025-06-09', '2025-06-16'];
  for (const [w, week] of weeks.entries()) {
    for (let i = 0; i <= w; i++) {
      clock.now = new Date(`${week}T06:00:00Z`);
      const counts = { issues: i % 2 === 0 ? 10 + w : 0, boards: i === 0 ? -1 : 2 };
      const payload = makePayload({
        uuid: `inst-${i}`,
        recordedAt: `${week}T05:00:00Z`,
        version: `17.${i % 3}.0`,
        counts,
      });
      expect((await postJson(svc.baseUrl, '/usage_data', payload)).status).toBe(201);
      await postJson(svc.baseUrl, '/usage_ping_metadata', {
        metadata: {
          uuid: `inst-${i}`,
          metrics: [
            { name: 'counts.issues', time_elapsed: 0.5 + i },
            { name: 'counts.boards', time_elapsed: 0.1 },
          ],
        },
      });
    }
  }
  // An instance whose metric key carries markup: it must show as text, never as an element.
  clock.now = new Date('2025-06-16T07:00:00Z');
  await postJson(
    svc.baseUrl,
    '/usage_data',
    makePayload({
      uuid: 'markup',
      recordedAt: '2025-06-16T05:00:00Z',
      counts: { '<img src=x onerror=alert(1)>': -1 },
    }),
  );
  clock.now = new Date('2025-06-20T12:00:00.000Z');
  await svc.versions.refreshTimingSnapshot();
});
afterAll(async () => {
  await svc.close();
});

describe('dashboard access', () => {
  it.each([
    ['no credentials', '/dashboard', {}, 401],
    ['a token in the URL (refused: it would leak)', `/dashboard?token=${READ_TOKEN}`, {}, 400],
    ['a bearer token', '/dashboard', { authorization: `Bearer ${READ_TOKEN}` }, 200],
    [
      'a forged session cookie',
      '/dashboard',
      { cookie: 'versions_session=9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      401,
    ],
  ])('%s → %d', async (_name, url, headers, status) => {
    const res = await fetch(`${svc.baseUrl}${url}`, { headers, redirect: 'manual' });
    await res.text();
    expect(res.status).toBe(status);
  });

  const signIn = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${svc.baseUrl}/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });

  it('signs in by POST via an HttpOnly SameSite=Strict cookie and redirects to the page', async () => {
    const login = await signIn({ token: READ_TOKEN, metric: 'counts.boards' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/dashboard?metric=counts.boards');
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^versions_session=\d+\.[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    const page = await fetch(`${svc.baseUrl}/dashboard`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a wrong token, and a sign-in posted from another site', async () => {
    expect((await signIn({ token: 'wrong' })).status).toBe(401);
    const crossSite = await signIn(
      { token: READ_TOKEN },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('marks the cookie Secure behind a trusted proxy that says the client used https', async () => {
    const proxied = await startVersions({ VERSIONS_TRUST_PROXY: 'true' });
    try {
      const login = await fetch(`${proxied.baseUrl}/dashboard`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
        body: new URLSearchParams({ token: READ_TOKEN }).toString(),
        redirect: 'manual',
      });
      expect(login.status).toBe(303);
      expect(login.headers.get('set-cookie')).toMatch(/; Secure/);
    } finally {
      await proxied.close();
    }
  });
});

describe('dashboard in headless Chromium', () => {
  let browser: Browser | undefined;
  let userDataDir: string | undefined;
  afterAll(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('renders every chart as SVG with data points, without console errors', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is not installed. Install it with services/versions/test/ensure-chromium.sh ` +
          "(flock /tmp/apt.lock sh -c 'apt-get update && apt-get install -y chromium').",
      );
    }
    userDataDir = mkdtempSync(path.join(tmpdir(), 'versions-dashboard-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    browser = context.browser() ?? undefined;
    const problems: string[] = [];
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });

    expect((await page.goto(`${svc.baseUrl}/dashboard`))?.status()).toBe(401);
    await page.fill('input[name=token]', READ_TOKEN);
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/dashboard' && r.request().method() === 'GET',
      ),
      page.click('button[type=submit]'),
    ]);
    expect(response.status()).toBe(200);
    expect(new URL(page.url()).search).toBe('');
    // The sign-in page's 401 is logged as a failed resource load: expected, not a problem.
    problems.length = 0;

    const counts = await page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('svg.chart-svg')].map((svg) => [
          svg.id,
          svg.querySelectorAll('circle.point, rect.bar').length,
        ]),
      ),
    );
    expect(counts).toEqual({
      'reporting-instances': 12,
      'version-distribution': 4, // 17.0.0, 17.1.0, 17.2.0 and the markup instance's 16.11.2
      'metric-adoption': 12,
      'metric-sum': 12,
      'failing-metrics': expect.any(Number),
      'slowest-metrics': expect.any(Number),
    });
    expect(counts['failing-metrics']).toBeGreaterThan(0);
    expect(counts['slowest-metrics']).toBeGreaterThan(0);

    // The last five weeks reported 1..5 instances (the markup instance joins the last week).
    const reporting = await page.$$eval('#reporting-instances circle.point', (points: ChartPoint[]) =>
      points.map((p) => Number(p.getAttribute('data-value'))),
    );
    expect(reporting.slice(-5)).toEqual([1, 2, 3, 4, 6]);
    const box = await page.locator('#reporting-instances').boundingBox();
    expect(box?.width).toBeGreaterThan(100);

    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('text=<img src=x onerror=alert(1)>').count()).toBeGreaterThan(0);

    // Changing the metric re-renders the adoption chart for it.
    await page.fill('input[name=metric]', 'counts.boards');
    await Promise.all([page.waitForURL(/metric=counts.boards/), page.click('button[type=submit]')]);
    const adoption = await page.$$eval('#metric-adoption circle.point', (points: ChartPoint[]) =>
      points.map((p) => Number(p.getAttribute('data-value'))),
    );
    // Week 2025-06-16: instances 1..4 have boards = 2, instance 0 and the markup instance do not: 4 of 6.
    expect(adoption.at(-1)).toBe(66.7);
    // The values chart sums them (instance 0's -1 fallback left out): weeks with 1..5 instances.
    const sums = await page.$$eval('#metric-sum circle.point', (points: ChartPoint[]) =>
      points.map((p) => Number(p.getAttribute('data-value'))),
    );
    expect(sums.slice(-5)).toEqual([0, 2, 4, 6, 8]);
    expect(problems).toEqual([]);
  });
});
