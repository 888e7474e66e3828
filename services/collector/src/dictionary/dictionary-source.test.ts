import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefinitionError } from '@servping/shared';
import { definitionYaml } from '../../test/integration/collector-harness';
import { directoryDictionary } from './dictionary-source';

let dir: string;
const write = (file: string, fields: Record<string, unknown>) =>
  writeFile(path.join(dir, file), definitionYaml(fields));
const counter = (keyPath: string, event: string) => ({
  key_path: keyPath,
  data_source: 'redis',
  instrumentation_class: 'RedisMetric',
  options: { event, prefix: null },
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'servping-dictionary-'));
  await write('a.yml', counter('counts.a', 'a'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('directoryDictionary', () => {
  it('reuses the validated definitions while the files are unchanged, frozen against mutation', async () => {
    const load = directoryDictionary(dir);
    const first = await load();
    expect(await load()).toBe(first);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(() => {
      (first[0] as { keyPath: string }).keyPath = 'changed';
    }).toThrow(TypeError);
  });

  it('sees an edited, added or removed file at the next call', async () => {
    const load = directoryDictionary(dir);
    expect((await load()).map((d) => d.keyPath)).toEqual(['counts.a']);
    await write('a.yml', counter('counts.renamed', 'a'));
    expect((await load()).map((d) => d.keyPath)).toEqual(['counts.renamed']);
    await write('b.yml', counter('counts.b', 'b'));
    expect((await load()).map((d) => d.keyPath).sort()).toEqual(['counts.b', 'counts.renamed']);
    await rm(path.join(dir, 'b.yml'));
    expect((await load()).map((d) => d.keyPath)).toEqual(['counts.renamed']);
  });

  it('never caches a broken dictionary: it fails on every call until fixed', async () => {
    const load = directoryDictionary(dir);
    await load();
    await write('b.yml', { ...counter('counts.b', 'b'), data_source: 'nowhere' });
    await expect(load()).rejects.toThrow(DefinitionError);
    await expect(load()).rejects.toThrow(DefinitionError);
    await write('b.yml', counter('counts.b', 'b'));
    expect(await load()).toHaveLength(2);
  });
});
