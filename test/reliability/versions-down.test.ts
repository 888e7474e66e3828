/**
 * Versions unreachable, then answering 503, then too slow (past SUBMIT_TIMEOUT_MS, and the slow
 * request still lands in Versions afterwards), then healthy — in front of a real aggregator
 * process and a real Versions process. The payload stays in raw_usage_data throughout, an error
 * report is attempted after each failure, and the ping ends up in Versions exactly once.
 */
import { expect } from '@jest/globals';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { migrateServpingDatabase } from '@servping/collector';
import { waitFor } from './support/bounded-wait';
import { collectorEnvironment, type CollectorEnvironment } from './support/collector-process';
import {
  freePort,
  logDirectory,
  spawnService,
  startVersionsProcess,
  waitHealthy,
  type ServiceProcess,
} from './support/service-process';
import { createTempDatabase, type TempDatabase } from './support/temp-database';
import { validPing } from './support/usage-ping';

// Long enough that a forwarded request on a loaded machine (CI runs suites in parallel) never times
// out by accident; the deliberately slow one is held past it.
const SUBMIT_TIMEOUT_MS = 2000;
const logs = logDirectory('vdown');
let env: CollectorEnvironment;
let versionsDb: TempDatabase;
let versions: { proc: ServiceProcess; url: string };
let aggregator: ServiceProcess | undefined;
let proxy: Server | undefined;

/** Every request the flaky front saw, in order. */
const seen: Array<{ path: string; answer: string }> = [];

/** Answers the n-th /usage_data: 503 first, then too slow (forwarded after the client gave up), then forwarded. */
function flakyFront(targetUrl: string): Server {
  let usageData = 0;
  const pending = new Set<NodeJS.Timeout>();
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', targetUrl);
    const out = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    out.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '';
      if (path !== '/usage_data') {
        seen.push({ path, answer: 'forwarded' });
        return forward(req, body, res);
      }
      usageData += 1;
      if (usageData === 1) {
        seen.push({ path, answer: '503' });
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"maintenance"}');
      } else if (usageData === 2) {
        seen.push({ path, answer: 'slow' });
        // The client times out first; the request still reaches Versions afterwards.
        const timer = setTimeout(() => {
          pending.delete(timer);
          forward(req, body, res);
        }, SUBMIT_TIMEOUT_MS + 300);
        pending.add(timer);
      } else {
        seen.push({ path, answer: 'forwarded' });
        forward(req, body, res);
      }
    });
  });
  server.on('close', () => pending.forEach(clearTimeout));
  return server;
}

beforeAll(async () => {
  env = await collectorEnvironment('vdown', logs.dir);
  versionsDb = await createTempDatabase('vdown_versions');
  versions = await startVersionsProcess({
    databaseUrl: versionsDb.url,
    logDir: logs.dir,
    env: { VERSIONS_RATE_LIMIT_PER_MINUTE: '0' },
  });
  await migrateServpingDatabase(env.servpingDb.url);
});

afterAll(async () => {
  await aggregator?.stop();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  proxy?.closeAllConnections();
  await versions?.proc.stop();
  await versionsDb?.drop();
  await env?.close();
  logs.remove();
});

it('keeps the payload through refused, 503 and timed-out attempts, reports each error, and delivers it once', async () => {
  const sql = env.servpingDb.client;
  const proxyPort = await freePort();
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const { rows: settings } = await sql.query<{ uuid: string }>(
    `INSERT INTO settings (id, hostname, version, edition, installation_type, versions_url, permitted_data_categories)
     VALUES (1, 'vdown.example.com', '17.0.1', 'CE', 'servping', $1, '{standard,subscription,operational,optional}')
     RETURNING uuid::text AS uuid`,
    [proxyUrl],
  );
  const uuid = settings[0]!.uuid;
  const recordedAt = '2026-11-20T06:00:00.000Z';
  const payload = validPing(uuid, recordedAt);
  await sql.query(
    "INSERT INTO runs (id, state, requested_by, submit, recorded_at, finished_at) VALUES ('run-vdown', 'finished', 'api', true, $1, now())",
    [recordedAt],
  );
  const { rows: stored } = await sql.query<{ id: string }>(
    `INSERT INTO raw_usage_data (recorded_at, run_id, payload, metadata)
     VALUES ($1, 'run-vdown', $2, $3) RETURNING id::text AS id`,
    [recordedAt, payload, { uuid, metrics: [{ name: 'counts.issues', time_elapsed: 0.1 }] }],
  );
  const rawId = stored[0]!.id;
  const row = async () =>
    (
      await sql.query<{
        sent_at: Date | null;
        submit_attempts: number;
        last_error: string | null;
        usage_data_id: number | null;
        payload: unknown;
      }>(
        'SELECT sent_at, submit_attempts, last_error, version_usage_data_id_value::int AS usage_data_id, payload FROM raw_usage_data WHERE id = $1',
        [rawId],
      )
    ).rows[0]!;

  // Nothing listens on the proxy port yet: the first attempt is refused.
  const opsPort = await freePort();
  aggregator = spawnService('aggregator', {
    logDir: logs.dir,
    env: {
      ...env.env,
      AGGREGATOR_OPS_PORT: String(opsPort),
      SUBMIT_RETRY_DELAYS_MS: '1500,200,200,200',
      SUBMIT_TIMEOUT_MS: String(SUBMIT_TIMEOUT_MS),
    },
  });
  await waitHealthy(aggregator, `http://127.0.0.1:${opsPort}/healthz`);
  const afterRefused = await waitFor(
    'the refused first attempt to be recorded',
    async () => {
      const r = await row();
      return r.submit_attempts >= 1 ? r : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 25 },
  );
  expect(afterRefused.submit_attempts).toBe(1);
  expect(afterRefused.sent_at).toBeNull();
  expect(afterRefused.last_error).toMatch(/^POST \/usage_data failed: .*ECONNREFUSED/);
  expect(afterRefused.payload).toEqual(payload);

  // Versions "comes back" behind a front that still fails twice.
  proxy = flakyFront(versions.url);
  await new Promise<void>((resolve) => proxy!.listen(proxyPort, '127.0.0.1', resolve));

  const delivered = await waitFor(
    'the payload to be marked sent',
    async () => {
      const r = await row();
      return r.sent_at ? r : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  expect(delivered.submit_attempts).toBe(3);
  expect(delivered.payload).toEqual(payload);

  // The timed-out attempt lands late, before or after the retry (a loaded machine decides which):
  // either way the two make one row, and the id the aggregator recorded is that row's.
  const pings = await waitFor(
    'the late attempt to land in Versions',
    async () => {
      const { rows } = await versionsDb.client.query<{ id: number; duplicate_count: number }>(
        'SELECT id::int, duplicate_count FROM usage_data WHERE uuid = $1',
        [uuid],
      );
      return rows.some((r) => r.duplicate_count > 0) ? rows : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 25 },
  );
  expect(pings).toEqual([{ id: delivered.usage_data_id, duplicate_count: 1 }]);

  // An error report after each failure: the refused one could not be delivered, the other two were.
  const { rows: errors } = await versionsDb.client.query<{ message: string }>(
    'SELECT message FROM usage_ping_errors WHERE uuid = $1 ORDER BY id',
    [uuid],
  );
  expect(errors.map((e) => e.message)).toEqual([
    'Unsuccessful response code: 503',
    expect.stringMatching(/^POST \/usage_data failed: .*(timeout|aborted)/i),
  ]);
  // The metadata follows the payload: the row is marked sent first, then the timings are posted.
  const metadataRows = await waitFor(
    'the metadata to reach Versions',
    async () => {
      const { rows } = await versionsDb.client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM usage_ping_metadata',
      );
      return rows[0]!.n > 0 ? rows[0]!.n : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 25 },
  );
  expect(metadataRows).toBe(1);
  expect(seen.map((s) => `${s.path} ${s.answer}`)).toEqual([
    '/usage_data 503',
    '/usage_ping_errors forwarded',
    '/usage_data slow',
    '/usage_ping_errors forwarded',
    '/usage_data forwarded',
    '/usage_ping_metadata forwarded',
  ]);
  expect(aggregator.alive()).toBe(true);
});
