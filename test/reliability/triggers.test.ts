/**
 * Run triggers against a real collector process: a broken dictionary (a bad field, a duplicate
 * key_path, an identifier carrying SQL) is refused naming file and field with nothing enqueued;
 * simultaneous triggers start exactly one run.
 */
import {
  ADMIN_TOKEN,
  collectorEnvironment,
  startCollectorProcess,
  type CollectorEnvironment,
} from './support/collector-process';
import { countOf } from './support/dictionary-files';
import { jsonField, rawRequest } from './support/http-client';
import { logDirectory, type ServiceProcess } from './support/service-process';

const logs = logDirectory('triggers');
let env: CollectorEnvironment;
let collector: { proc: ServiceProcess; url: string };

const trigger = () =>
  rawRequest(collector.url, {
    path: '/api/v1/runs',
    headers: { 'content-type': 'application/json', 'private-token': ADMIN_TOKEN },
    body: JSON.stringify({ submit: false }),
  });

beforeAll(async () => {
  env = await collectorEnvironment('triggers', logs.dir);
  await env.instanceDb.client.query(`
    CREATE TABLE issues (id bigint PRIMARY KEY);
    INSERT INTO issues SELECT generate_series(1, 100);
  `);
  await env.dictionary.write({ 'counts_all/issues.yml': countOf('counts.issues', 'issues') });
  collector = await startCollectorProcess(env);
});

afterAll(async () => {
  await collector?.proc.stop();
  await env?.close();
  logs.remove();
});

async function runRows(): Promise<number> {
  const { rows } = await env.servpingDb.client.query<{ n: number }>('SELECT count(*)::int AS n FROM runs');
  return rows[0]!.n;
}

describe('a broken dictionary', () => {
  it.each([
    [
      'a bad operation',
      { 'counts_all/typo.yml': countOf('counts.typo', 'issues', { operation: 'counte' }) },
      { file: 'counts_all/typo.yml', keyPath: 'counts.typo', field: '/options/operation' },
    ],
    [
      'a duplicate key_path',
      { 'counts_all/issues_again.yml': countOf('counts.issues', 'issues') },
      { file: 'counts_all/issues_again.yml', keyPath: 'counts.issues', field: '/key_path' },
    ],
    [
      'a table name carrying SQL',
      { 'counts_all/inject.yml': countOf('counts.inject', 'issues"; DROP TABLE issues; --') },
      { file: 'counts_all/inject.yml', keyPath: 'counts.inject', field: '/options/table' },
    ],
  ])('with %s: 422 naming file and field, no run, no BullMQ key', async (_name, files, problem) => {
    const keysBefore = (await env.bullKeys()).sort();
    await env.dictionary.write(files);
    try {
      const answer = await trigger();
      expect(answer.status).toBe(422);
      expect(jsonField(answer, 'message')).toBe('the metric dictionary is invalid');
      expect(jsonField(answer, 'problems')).toEqual([expect.objectContaining(problem)]);
      expect(await runRows()).toBe(0);
      expect((await env.bullKeys()).sort()).toEqual(keysBefore);
      expect(keysBefore.filter((k) => /:(wait|prioritized|delayed|active|events)$/.test(k))).toEqual([]);
    } finally {
      for (const file of Object.keys(files)) await env.dictionary.remove(file);
    }
  });
});

describe('simultaneous triggers', () => {
  it('start one run: one 202, every other 409 naming the running id, one runs row, one runs-queue job', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => trigger()));
    const started = answers.filter((a) => a.status === 202);
    expect(started).toHaveLength(1);
    const runId = jsonField(started[0]!, 'runId') as string;
    const refused = answers.filter((a) => a.status !== 202);
    expect(refused.map((a) => a.status)).toEqual(Array(7).fill(409));
    for (const a of refused) expect(jsonField(a, 'message')).toBe(`a run is already in progress: ${runId}`);
    expect(await runRows()).toBe(1);
    const jobKeys = (await env.bullKeys()).filter((k) => /:runs:run-\d+$/.test(k));
    expect(jobKeys).toEqual([`${env.prefix}:runs:${runId}`]);
  });
});
