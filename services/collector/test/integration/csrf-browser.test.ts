import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ADMIN_TOKEN, startHarness, type Harness } from './collector-harness';

/**
 * The operator has opened the collector's pages with Basic auth, so the browser attaches the
 * token to every request to the collector, whichever site makes it. A page on another origin
 * then submits forms at the admin API and at bull-board, and frames the run list: nothing may
 * change and nothing may render inside the other site.
 */
const CHROMIUM = '/usr/bin/chromium';

let h: Harness;
let evil: Server;
let evilUrl: string;
let context: BrowserContext | undefined;
let userDataDir: string | undefined;

/** Forms that auto-submit into named iframes, as an attacker's page would. */
function attackPage(collector: string): string {
  const form = (name: string, action: string, enctype: string, field: string, value: string) =>
    `<iframe name="${name}"></iframe>
<form id="f-${name}" target="${name}" method="post" action="${collector}${action}" enctype="${enctype}">
<input name='${field}' value='${value}'></form>`;
  return `<!doctype html><html><body>
${form('runs', '/api/v1/runs', 'text/plain', '{"submit":false,"x":"', '"}')}
${form('runs-urlencoded', '/api/v1/runs', 'application/x-www-form-urlencoded', 'submit', 'true')}
${form('board-add', '/admin/queues/api/queues/runs/add', 'text/plain', '{"name":"trigger-run","data":{"requestedBy":"dashboard","submit":true},"x":"', '"}')}
${form('board-pause', '/admin/queues/api/queues/pause', 'text/plain', '{"x":"', '"}')}
${form('board-empty', '/admin/queues/api/queues/runs/empty', 'application/x-www-form-urlencoded', 'a', 'b')}
<iframe name="framed" src="${collector}/runs"></iframe>
<script>
  // (A field named "submit" shadows form.submit, hence the prototype's.)
  for (const f of document.querySelectorAll('form')) HTMLFormElement.prototype.submit.call(f);
  fetch('${collector}/api/v1/runs', { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'text/plain' }, body: '{"submit":false}' }).catch(() => {});
</script></body></html>`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is not installed: run services/versions/test/ensure-chromium.sh`);
  }
  h = await startHarness('csrf');
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(h.baseUrl));
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.2', resolve));
  const address = evil.address();
  evilUrl = `http://127.0.0.2:${typeof address === 'object' && address ? address.port : 0}/`;
  userDataDir = mkdtempSync(path.join(tmpdir(), 'collector-csrf-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    httpCredentials: { username: 'operator', password: ADMIN_TOKEN },
  });
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
  await h?.close();
});

async function runCount(): Promise<number> {
  const { rows } = await h.sql.query<{ n: string }>('SELECT count(*) AS n FROM runs');
  return Number(rows[0]!.n);
}

describe('a page on another origin, while the operator is signed in with Basic auth', () => {
  it('changes nothing: no run, no job, no paused queue; the run list does not render in its frame', async () => {
    const page = await context!.newPage();
    // The operator opens the run list: the browser now holds the Basic credentials.
    expect((await page.goto(`${h.baseUrl}/runs`))?.status()).toBe(200);
    const settingsBefore = await (await h.fetchAs(ADMIN_TOKEN, '/api/v1/settings')).json();
    // The weekly scheduler keeps one delayed job in the queue: compare, do not expect zero.
    const jobsBefore = await h.collector.queues.runs.getJobCounts();
    const sent: string[] = [];
    const answers: Array<[string, number]> = [];
    const isForged = (method: string, url: string) => method === 'POST' && url.startsWith(h.baseUrl);
    page.on('request', (r) => {
      if (isForged(r.method(), r.url())) sent.push(r.url());
    });
    page.on('response', (r) => {
      if (isForged(r.request().method(), r.url())) answers.push([r.url(), r.status()]);
    });

    await page.goto(evilUrl);
    // Five forms answered; the no-cors fetch's answer is also withheld from the page (CORP).
    for (let waitedMs = 0; answers.length < 5 && waitedMs < 15_000; waitedMs += 100)
      await page.waitForTimeout(100);
    await page.waitForTimeout(500);
    expect(sent).toHaveLength(6);
    expect(answers.length).toBeGreaterThanOrEqual(5);

    // Every forged request was refused by the same-origin check, before any route ran.
    expect(answers.every(([, status]) => status === 403)).toBe(true);
    expect(await runCount()).toBe(0);
    expect(await h.collector.queues.runs.getJobCounts()).toEqual(jobsBefore);
    expect(await h.collector.queues.runs.isPaused()).toBe(false);
    expect(await (await h.fetchAs(ADMIN_TOKEN, '/api/v1/settings')).json()).toEqual(settingsBefore);
    // frame-ancestors 'none': the framed run list was blocked, its table never rendered.
    const framed = page.frames().find((f) => f.name() === 'framed');
    expect(await framed?.content()).not.toContain('<h1>Runs</h1>');
  });

  it('lets the same browser change settings from the collector itself (the credentials were attached)', async () => {
    const page = await context!.newPage();
    // bull-board's page may fetch its own origin (connect-src 'self'); the run pages may not.
    await page.goto(`${h.baseUrl}/admin/queues`);
    const status = await page.evaluate(async () => {
      const res = await fetch('/api/v1/settings', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: true }),
      });
      return res.status;
    });
    expect(status).toBe(200);
  });

  it('serves bull-board under its CSP without script errors', async () => {
    const page = await context!.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().includes('fonts.googleapis.com')) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    const response = await page.goto(`${h.baseUrl}/admin/queues`);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.getByText('runs', { exact: false }).first().waitFor({ timeout: 15_000 });
    expect(problems.filter((p) => /Content Security Policy|Refused/.test(p) && !/font/.test(p))).toEqual([]);
  });
});

describe('security headers', () => {
  it.each(['/runs', '/admin/queues', '/api/v1/settings'])(
    '%s has CSP, frame-ancestors, nosniff, no X-Powered-By',
    async (p) => {
      const res = await h.fetchAs(ADMIN_TOKEN, p);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    },
  );
});
