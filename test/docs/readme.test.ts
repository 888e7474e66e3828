/**
 * The README is the one place a newcomer reads the configuration: every variable any service's
 * `loadConfig` reads must have a row there, and every row must name a variable that exists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICES, serviceVariables } from '../infra/service-env';

const README = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const tableRows = README.split('\n').filter((line) => /^\| `[A-Z][A-Z0-9_]+` \|/.test(line));
const documented = new Map(tableRows.map((line) => [line.split('`')[1]!, line]));

describe('README configuration table', () => {
  const variables = new Map<string, string[]>();
  for (const service of SERVICES) {
    for (const { variable } of serviceVariables(service)) {
      variables.set(variable, [...(variables.get(variable) ?? []), service]);
    }
  }

  it('has a row for every variable a service reads, naming the services that read it', () => {
    const missing = [...variables.keys()].filter((v) => !documented.has(v));
    expect(missing).toEqual([]);
    const wrongReaders = [...variables].filter(([v, services]) => {
      const readers = documented
        .get(v)!
        .split('|')[2]!
        .split(',')
        .map((s) => s.trim());
      return readers.sort().join(',') !== [...services].sort().join(',');
    });
    expect(wrongReaders).toEqual([]);
  });

  it('gives each variable the default its spec has', () => {
    // Defaults computed from the machine (host name, repository path) are described in words.
    const machineDependent = new Set(['SERVPING_HOSTNAME', 'SERVPING_DEFINITIONS_DIR']);
    const cell = (v: { required: boolean; default: unknown }) => {
      if (v.required) return 'required';
      if (v.default === undefined || v.default === '' || (Array.isArray(v.default) && v.default.length === 0))
        return '(none)';
      if (Array.isArray(v.default)) return `\`${v.default.join(',')}\``;
      if (typeof v.default === 'object') return `\`${JSON.stringify(v.default)}\``;
      if (typeof v.default === 'string' || typeof v.default === 'number' || typeof v.default === 'boolean')
        return `\`${String(v.default)}\``;
      throw new Error(`no cell for a default of type ${typeof v.default}`);
    };
    const expected = new Map<string, Set<string>>();
    for (const v of SERVICES.flatMap((service) => serviceVariables(service))) {
      if (!machineDependent.has(v.variable))
        expected.set(v.variable, (expected.get(v.variable) ?? new Set()).add(cell(v)));
    }
    const wrong = [...expected].filter(([variable, defaults]) => {
      const documentedDefault = documented.get(variable)?.split('|')[3]?.trim() ?? '';
      // One default: the cell is exactly it. Defaults that differ by service: the cell names each.
      return defaults.size === 1
        ? documentedDefault !== [...defaults][0]
        : [...defaults].some((d) => !documentedDefault.includes(d));
    });
    expect(wrong.map(([variable, defaults]) => `${variable}: ${[...defaults].join(' / ')}`)).toEqual([]);
  });

  it('documents no variable that no service reads', () => {
    expect([...documented.keys()].filter((v) => !variables.has(v))).toEqual([]);
  });

  it('names the two set-up commands', () => {
    expect(README).toContain('make demo');
    expect(README).toContain('make test');
  });
});
