/**
 * The operator's console in headless Chromium, on a real collector, worker, aggregator and
 * Versions (in this process, on real ports, real PostgreSQL and Redis): sign in, switch to collect
 * only, run now and watch the progress reach 100 % without a reload, open the preview and its diff
 * against the last payload sent, download the payload, upload it with `servping upload`, and find
 * it at Versions once. CONSOLE_SCREENSHOTS=<dir> saves a screenshot of each page (docs/console/).
 */
import { expect } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Client } from 'pg';
import { createLogger } from '@servping/runtime';
import { redisUrl } from '@servping/test-servers';
import { buildAggregator, loadConfig as aggregatorConfig, type Aggregator } from '@servping/aggregator';
import { buildWorker, loadConfig as workerConfig, type MetricWorker } from '@servping/worker';
import { startVersions, type RunningVersions } from '../../../versions/test/integration/versions-harness';
import { runCaptured } from '../../../cli/test/support/captured-io';
import { ADMIN_TOKEN, startHarness, type Harness } from './collector-harness';

/** The DOM the page callbacks touch; the test program is compiled without the DOM lib. */
declare const window: { consoleMarker?: string };

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;
const silent = createLogger({ service: 'console-test', level: 'silent' });

let versions: RunningVersions;
let h: Harness;
let worker: MetricWorker;
let aggregator: Aggregator;
let context: BrowserContext;
let userDataDir: string;
let page: Page;
const problems: string[] = [];

const countOf = (keyPath: string, table: string) => ({
  key_path: keyPath,
  data_source: 'database',
  options: { operation: 'count', table },
});

/** What the tests read of a DOM element, written out: the tests compile without the DOM lib. */
interface KeyPathElement {
  getAttribute(name: string): string | null;
}

async function versionsRows(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: versions.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function shot(name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Runs and sends one payload through the API: the "last payload sent" the preview is compared with. */
async function sendOnePayload(): Promise<number> {
  const started = await h.fetchAs(ADMIN_TOKEN, '/api/v1/runs', {
    method: 'POST',
    body: JSON.stringify({ submit: true }),
  });
  const { runId } = (await started.json()) as { runId: string };
  for (;;) {
    const view = (await (await h.fetchAs(ADMIN_TOKEN, `/api/v1/runs/${runId}`)).json()) as {
      state: string;
      submission: { usageDataId: number | null } | null;
    };
    if (view.state === 'failed') throw new Error(`run ${runId} failed`);
    if (view.submission?.usageDataId) return view.submission.usageDataId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with services/versions/test/ensure-chromium.sh`);
  }
  versions = await startVersions();
  h = await startHarness('console', {
    VERSIONS_URL: versions.baseUrl,
    SERVPING_CONSOLE_SESSION_SECRET: 'console-test-secret',
  });
  const env = {
    SERVPING_DATABASE_URL: h.databaseUrl,
    INSTANCE_DATABASE_URL: h.databaseUrl,
    REDIS_URL: redisUrl(),
    SERVPING_QUEUE_PREFIX: h.prefix,
    LOG_LEVEL: 'silent',
  };
  worker = buildWorker(workerConfig({ ...env, WORKER_OPS_PORT: '0' }), silent);
  aggregator = buildAggregator(
    aggregatorConfig({ ...env, AGGREGATOR_OPS_PORT: '0', VERSIONS_URL: versions.baseUrl }),
    silent,
  );
  await Promise.all([worker.start(), aggregator.start()]);

  await h.sql.query(`
    CREATE TABLE issues (id bigint PRIMARY KEY); INSERT INTO issues SELECT generate_series(1, 100);
    CREATE TABLE projects (id bigint PRIMARY KEY); INSERT INTO projects SELECT generate_series(1, 10);
    CREATE TABLE boards (id bigint PRIMARY KEY); INSERT INTO boards SELECT generate_series(1, 5);
    CREATE TABLE notes (id bigint PRIMARY KEY); INSERT INTO notes SELECT generate_series(1, 7);
    ANALYZE;`);
  await h.writeDefinition('counts_all/issues.yml', countOf('counts.issues', 'issues'));
  await h.writeDefinition('counts_all/projects.yml', countOf('counts.projects', 'projects'));
  await h.writeDefinition('counts_all/boards.yml', countOf('counts.boards', 'boards'));
  await sendOnePayload();

  // What the next payload will show against the one just sent.
  await h.sql.query('INSERT INTO issues SELECT generate_series(101, 120); DROP TABLE boards;');
  await h.removeDefinition('counts_all/projects.yml');
  await h.writeDefinition('counts_all/notes.yml', countOf('counts.notes', 'notes'));

  userDataDir = mkdtempSync(path.join(tmpdir(), 'servping-console-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    viewport: { width: 1200, height: 800 },
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await Promise.all([worker?.stop(), aggregator?.stop()]);
  await h?.close();
  await versions?.close();
}, 30_000);

describe('the console in Chromium', () => {
  it('signs in with a token in a form, never in a URL, and sets an HttpOnly SameSite cookie', async () => {
    await page.goto(`${h.baseUrl}/console/`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await shot('login');
    await page.getByLabel('Admin token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not an admin token');
    problems.length = 0; // the refused sign-in answered 401, which Chromium logs as an error
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await Promise.all([
      page.waitForURL(`${h.baseUrl}/console/`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    const [cookie] = await context.cookies(`${h.baseUrl}/console/`);
    expect(cookie).toMatchObject({
      name: 'servping_console',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/console',
    });
    expect(cookie?.value).not.toContain(ADMIN_TOKEN);
    await expect(page.locator('#usage-data-id').textContent()).resolves.toMatch(/^\d+$/);
  });

  it('switches to collect only; Run now stores the payload, progress reaches 100 % live, nothing is sent', async () => {
    await page.getByLabel(/Collect only/).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('#send-mode').textContent()).resolves.toBe('collect only');

    await Promise.all([
      page.waitForURL(/\/console\/runs\/run-\d+$/),
      page.getByRole('button', { name: 'Run now' }).first().click(),
    ]);
    const runId = page.url().split('/').pop() as string;
    // A marker on the window survives only if the page is never reloaded.
    await page.evaluate(() => {
      window.consoleMarker = 'same page';
    });
    await page.locator('.run-head .progress-text', { hasText: '100 %' }).waitFor({ timeout: 30_000 });
    await page.locator('.run-head [data-field="state"]', { hasText: 'finished' }).waitFor();
    await page.locator('#metrics-table tbody tr.fallback').waitFor();
    await expect(page.locator('#run-details').innerText()).resolves.toMatch(/state\s+finished/);
    expect(await page.evaluate(() => window.consoleMarker)).toBe('same page');
    const firstRow = await page.locator('#metrics-table tbody tr').first().innerText();
    expect(firstRow).toContain('counts.boards');
    expect(firstRow).toMatch(/fallback\s+-1/);
    expect(firstRow).toMatch(/relation "boards" does not exist/);
    await shot('run');
    await page.getByRole('link', { name: 'key_path', exact: true }).first().click();
    const byName = await page.locator('#metrics-table tbody tr td:first-child').allInnerTexts();
    expect(byName).toEqual(['counts.boards', 'counts.issues', 'counts.notes']);
    await expect(page.locator('th[aria-sort]').innerText()).resolves.toContain('key_path');

    const row = await h.sql.query<{ sent_at: Date | null; payload: { uuid: string } }>(
      'SELECT sent_at, payload FROM raw_usage_data WHERE run_id = $1',
      [runId],
    );
    expect(row.rows[0]!.sent_at).toBeNull();
    const uuid = row.rows[0]!.payload.uuid;
    expect(await versionsRows('SELECT id FROM usage_data WHERE uuid = $1', [uuid])).toHaveLength(1);

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await expect(page.locator('table.runs tbody tr').first().innerText()).resolves.toMatch(/collect only/);
    await shot('runs');
  });

  it('previews the payload with its diff against the last payload sent, and filters the tree by key_path', async () => {
    await page.getByRole('link', { name: 'Preview payload' }).first().click();
    const items = async (id: string) =>
      (await page.locator(`#${id} li`).allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    expect(await items('fell-back')).toEqual([
      expect.stringMatching(/^counts\.boards 5 → -1 relation "boards" does not exist/),
    ]);
    expect(await items('changed')).toEqual(
      expect.arrayContaining(['counts.issues 100 → 120', expect.stringMatching(/^recorded_at /)]),
    );
    expect(await items('added')).toEqual(['counts.notes 7']);
    expect(await items('removed')).toEqual(['counts.projects 10']);
    await shot('preview');

    await page.getByLabel('Search key_path').fill('issues');
    const visible = await page
      .locator('#payload-tree li[data-key-path]:visible')
      .evaluateAll((els: KeyPathElement[]) => els.map((el) => el.getAttribute('data-key-path')));
    expect(visible).toEqual(['counts', 'counts.issues']);
    await shot('preview-search');
  });

  it('downloads the payload, uploads it with servping upload, and Versions holds it once', async () => {
    await page.getByLabel('Search key_path').fill('');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download payload' }).click(),
    ]);
    const file = path.join(userDataDir, download.suggestedFilename());
    await download.saveAs(file);
    const downloaded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const stored = await h.sql.query<{ payload: Record<string, unknown> }>(
      'SELECT payload FROM raw_usage_data WHERE sent_at IS NULL',
    );
    expect(downloaded).toEqual(stored.rows[0]?.payload);

    const first = await runCaptured(['upload', file, '--versions-url', versions.baseUrl]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const id = /stored as usage_data_id (\d+)/.exec(first.stdout)?.[1];
    const again = await runCaptured(['upload', file, '--versions-url', versions.baseUrl]);
    expect(again.stdout).toContain(`already stored as usage_data_id ${id}`);
    const atVersions = await versionsRows(
      'SELECT id, recorded_at FROM usage_data WHERE uuid = $1 ORDER BY id',
      [downloaded.uuid],
    );
    expect(atVersions).toHaveLength(2);
    expect(String(atVersions[1]?.id)).toBe(id);
    expect((atVersions[1]?.recorded_at as Date).toISOString()).toBe(downloaded.recorded_at);
    await page.getByRole('link', { name: 'Usage statistics' }).click();
    await expect(page.locator('#run-durations rect.column').count()).resolves.toBe(2);
    await shot('usage-statistics');
    expect(problems).toEqual([]);
  });

  it('refuses a state-changing form without the CSRF token or from another origin', async () => {
    const [cookie] = await context.cookies(`${h.baseUrl}/console/`);
    const post = (body: string, origin?: string, site?: string) =>
      fetch(`${h.baseUrl}/console/settings`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: `servping_console=${cookie?.value ?? ''}`,
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin ? { origin } : {}),
          ...(site ? { 'sec-fetch-site': site } : {}),
        },
        body,
      });
    const token = await page.locator('input[name=_csrf]').first().inputValue();
    expect((await post('send_mode=send&enabled=on')).status).toBe(403);
    expect((await post(`_csrf=${token}&send_mode=send&enabled=on`, 'http://evil.example')).status).toBe(403);
    expect((await post(`_csrf=${token}&send_mode=send&enabled=on`, undefined, 'cross-site')).status).toBe(
      403,
    );
    expect((await h.collector.settings.get()).sendMode).toBe('collect_only');
    expect((await post(`_csrf=${token}&send_mode=send&enabled=on&categories=standard`)).status).toBe(303);
    expect(await h.collector.settings.get()).toMatchObject({
      sendMode: 'send',
      permittedDataCategories: ['standard'],
    });
  });
});
