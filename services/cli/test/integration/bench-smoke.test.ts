/**
 * `servping bench` at a tiny scale through `runCli`: it must seed, run every section and write a
 * JSON result whose every section carries positive measurements (no section may end in an error
 * or be silently empty). The services are started from their built `dist/main.js`, as the bench
 * itself does: run `npm run build` first.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/main';
import { benchDatabases, deleteQueueKeys } from '@servping/bench';
import { dropDatabase } from '@servping/demo';
import { postgresServerUrl, redisUrl } from '@servping/test-servers';

const PG = postgresServerUrl;
const PREFIX = `servping_bench_smoke_${process.pid}`;
const REDIS = redisUrl();

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

type Json = Record<string, unknown>;
const get = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), value);

function expectMeasured(section: unknown, name: string, ...numberPaths: string[][]) {
  expect({ name, error: get(section, 'error'), skipped: get(section, 'skipped') }).toEqual({
    name,
    error: undefined,
    skipped: undefined,
  });
  for (const keys of numberPaths) {
    const value = get(section, ...keys);
    expect({ name, path: keys.join('.'), positive: typeof value === 'number' && value > 0 }).toEqual({
      name,
      path: keys.join('.'),
      positive: true,
    });
  }
}

describe('servping bench (smoke)', () => {
  let out: string;
  const dbs = benchDatabases(PG, PREFIX);

  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'servping-bench-smoke-'));
  });

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
    for (const url of [dbs.instance, dbs.servping, dbs.versions]) await dropDatabase(url);
    await deleteQueueKeys(REDIS, dbs.queuePrefix);
  });

  it('measures every section at --rows 2e4 with one worker, twice', async () => {
    const stdout = sink();
    const stderr = sink();
    const code = await runCli(
      [
        'bench',
        '--rows',
        '2e4',
        '--workers',
        '1',
        '--servping-runs',
        '2',
        '--skip-ingest',
        '--queue-metrics',
        '200',
        '--db-prefix',
        PREFIX,
        '--pg-url',
        PG,
        '--out',
        out,
      ],
      { stdout: stdout.stream, stderr: stderr.stream, env: { REDIS_URL: REDIS } },
    );
    expect({ code, stderr: stderr.text() }).toEqual({ code: 0, stderr: '' });

    const files = (await readdir(out)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const result = JSON.parse(await readFile(path.join(out, files[0] as string), 'utf8')) as Json;

    expect(get(result, 'seed', 'rows')).toBe(20_000);
    expectMeasured(result.catalog, 'catalog', ['total'], ['database']);
    expectMeasured(get(result, 'modes', 'floor'), 'floor', ['wallMs'], ['tables'], ['rowsCounted']);
    // Every mode's load on the instance database, read after its sessions closed.
    for (const mode of ['floor', 'naive', 'gitlab']) {
      expectMeasured(
        get(result, 'modes', mode, 'load'),
        `${mode} load`,
        ['rowsRead'],
        ['blocksHit'],
        ['transactions'],
      );
    }
    // One count per product table, plus the session's start: nothing else in the floor's window.
    expect(get(result, 'modes', 'floor', 'load', 'committed')).toBe(
      (get(result, 'modes', 'floor', 'tables') as number) + 1,
    );
    expectMeasured(
      get(result, 'modes', 'naive'),
      'naive',
      ['wallMs'],
      ['statements', 'longestMs'],
      ['memory', 'peakRssMb'],
    );
    expectMeasured(
      get(result, 'modes', 'gitlab'),
      'gitlab',
      ['wallMs'],
      ['statements', 'longestMs'],
      ['memory', 'peakRssMb'],
    );
    expect(get(result, 'modes', 'gitlab', 'agreementWithNaive', 'compared')).toBeGreaterThan(100);
    const runs = get(result, 'modes', 'servping', '1', 'runs') as unknown[];
    expect(runs).toHaveLength(2);
    for (const [i, run] of runs.entries()) {
      expectMeasured(
        run,
        `servping 1w run ${i + 1}`,
        ['wallMs'],
        ['memory', 'worker-1', 'peakRssMb'],
        ['load', 'rowsRead'],
        ['load', 'rolledBack'],
      );
      expect(get(run, 'agreementWithNaive', 'mismatched')).toBe(0);
    }
    expectMeasured(
      get(result, 'modes', 'servping', '1', 'spread'),
      'servping 1w spread',
      ['wallMs', 'median'],
      ['rowsRead', 'median'],
    );
    expect(get(result, 'modes', 'servping', '1', 'spread', 'wallMs', 'runs')).toBe(2);
    expectMeasured(get(result, 'ratios', '1'), 'ratios', ['overNaive'], ['overGitlab']);
    expect(get(result, 'targets', '1')).toHaveLength(5);
    expectMeasured(result.hll, 'hll', ['servpingSqlMs'], ['gitlabSqlMs'], ['speedup']);
    expect(get(result, 'hll', 'cardinalities')).toHaveLength(2);
    expectMeasured(result.queueOverhead, 'queue overhead', ['wallMs'], ['msPerMetric']);
    expect(result.ingest).toEqual({ skipped: '--skip-ingest' });
    // The chart and the Markdown summary are written next to the JSON.
    expect((await readdir(out)).filter((f) => /\.(md|svg)$/.test(f))).toHaveLength(2);
  }, 180_000);
});
