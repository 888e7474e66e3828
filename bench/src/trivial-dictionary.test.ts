import { definitionKinds } from '@servping/compute';
import { loadDictionary } from '@servping/shared';
import { trivialDefinitionFiles } from './trivial-dictionary';

describe('trivialDefinitionFiles', () => {
  it('loads as that many valid system-fact metrics with unique key paths', () => {
    const { definitions, problems } = loadDictionary(trivialDefinitionFiles(1000), definitionKinds);
    expect(problems).toEqual([]);
    expect(definitions).toHaveLength(1000);
    expect(new Set(definitions.map((d) => d.spec.kind))).toEqual(new Set(['system']));
    expect(definitions[0]?.keyPath).toBe('bench.queue.fact_0001');
    expect(definitions[999]?.keyPath).toBe('bench.queue.fact_1000');
  });
});
