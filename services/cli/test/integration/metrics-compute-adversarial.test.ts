/**
 * `servping metrics compute --timings` on the adversarial instance (islands up to 2⁶³ − 1, random
 * bigint ids, an int4 key at 2³¹ − 1, empty and one-row tables, negative, NULL and huge values):
 * no metric falls back, and every value equals plain SQL (estimates within HLL error).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricValue } from '@servping/shared';
import { runCaptured } from '../support/captured-io';
import { redisUrl } from '@servping/test-servers';
import { createTestDatabase } from '../../../../compute/test/support/database-fixture';
import {
  ADVERSARIAL_FILES,
  RECORDED_AT,
  adversarialDefinitions,
  plainSqlValue,
  expectPlainSqlAnswer,
  seedAdversarialInstance,
} from '../../../../compute/test/support/adversarial-instance';

let root: string;
let fixture: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'servping-adversarial-'));
  for (const [path, text] of Object.entries(ADVERSARIAL_FILES)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  fixture = await createTestDatabase('cli_adversarial');
  await seedAdversarialInstance(fixture.client);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await fixture?.drop();
});

describe('servping metrics compute on an adversarial instance', () => {
  it('reports every metric exactly, with no -1 and no error in --timings', async () => {
    const result = await runCaptured(
      [
        'metrics',
        'compute',
        '--definitions',
        root,
        '--json',
        '--timings',
        '--recorded-at',
        RECORDED_AT.toISOString(),
      ],
      { INSTANCE_DATABASE_URL: fixture.url, REDIS_URL: redisUrl() },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<
      string,
      { value: unknown; time_elapsed: number; error?: string }
    >;
    const errors = Object.entries(out).filter(([, r]) => r.error !== undefined);
    expect(errors).toEqual([]);
    for (const definition of adversarialDefinitions()) {
      const exact = await plainSqlValue(fixture.client, definition);
      expectPlainSqlAnswer(
        definition.keyPath,
        definition,
        out[definition.keyPath]!.value as MetricValue,
        exact,
      );
    }
  });
});
