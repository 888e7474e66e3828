import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  makePayload,
  startVersions,
  type RunningVersions,
} from '../../../versions/test/integration/versions-harness';
import { runCaptured } from '../support/captured-io';

let versions: RunningVersions;
let dir: string;

beforeAll(async () => {
  versions = await startVersions();
  dir = await mkdtemp(path.join(tmpdir(), 'servping-upload-'));
});

afterAll(async () => {
  await versions?.close();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const at = path.join(dir, name);
  await writeFile(at, text);
  return at;
}

async function rowsFor(uuid: string): Promise<number> {
  const client = new Client({ connectionString: versions.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM usage_data WHERE uuid = $1',
      [uuid],
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

const upload = (...args: string[]) => runCaptured(['upload', ...args, '--versions-url', versions.baseUrl]);

describe('servping upload', () => {
  it('stores a downloaded payload once: a second upload of the file answers the same id', async () => {
    const payload = makePayload({ uuid: '7b0c1c52-0a7e-4d5b-9b43-2d3c0e1f0a01' });
    const at = await file('payload.json', JSON.stringify(payload));
    const first = await upload(at);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const id = /stored as usage_data_id (\d+)\n/.exec(first.stdout)?.[1];
    expect(Number(id)).toBeGreaterThan(0);
    const second = await upload(at);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`already stored as usage_data_id ${id} (nothing new)`);
    expect(await rowsFor(payload.uuid as string)).toBe(1);
  });

  it('prints every problem Versions found, by JSON path, and exits 1', async () => {
    const payload = makePayload({ uuid: 'not a uuid but a string', extra: { recorded_at: 'yesterday' } });
    const at = await file('bad.json', JSON.stringify(payload));
    const result = await upload(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${at} refused: 422 schema`);
    expect(result.stderr).toMatch(/\n {2}\/recorded_at: /);
  });

  it.each([
    ['not JSON', '{"uuid": ', /is not JSON/],
    ['a JSON array', '[1, 2]', /must hold one JSON object/],
  ])('refuses %s before sending anything', async (_name, text, message) => {
    const at = await file('odd.json', text);
    const result = await upload(at);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('names a missing file', async () => {
    const result = await upload(path.join(dir, 'missing.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing.json: ENOENT');
  });
});
