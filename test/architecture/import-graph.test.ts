/**
 * The house stays a clean stack: no import cycles among the modules of any package, and package
 * dependencies point downward (shared ← runtime ← compute ← the services). Reads the sources as
 * text, so it needs no build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** What the bench may use; the CLI fronts the bench too. */
const BENCH_IMPORTS = [
  '@servping/shared',
  '@servping/runtime',
  '@servping/compute',
  '@servping/demo',
  '@servping/stack',
] as const;

/** Every package's source folder, and the packages it may import (transitively downward). */
const PACKAGES: Readonly<Record<string, { dir: string; mayImport: readonly string[] }>> = {
  '@servping/shared': { dir: 'shared/src', mayImport: [] },
  '@servping/runtime': { dir: 'runtime/src', mayImport: ['@servping/shared'] },
  '@servping/compute': { dir: 'compute/src', mayImport: ['@servping/shared', '@servping/runtime'] },
  '@servping/collector': {
    dir: 'services/collector/src',
    mayImport: ['@servping/shared', '@servping/runtime', '@servping/compute'],
  },
  '@servping/worker': {
    dir: 'services/worker/src',
    mayImport: ['@servping/shared', '@servping/runtime', '@servping/compute'],
  },
  '@servping/aggregator': {
    dir: 'services/aggregator/src',
    mayImport: ['@servping/shared', '@servping/runtime', '@servping/compute'],
  },
  '@servping/versions': {
    dir: 'services/versions/src',
    mayImport: ['@servping/shared', '@servping/runtime'],
  },
  // The demo seeds its Redis events with the collector's own tracker, so that it writes keys
  // exactly as tracking does; it imports no other service.
  '@servping/demo': {
    dir: 'demo/src',
    mayImport: ['@servping/shared', '@servping/runtime', '@servping/compute', '@servping/collector'],
  },
  // The stack starts the services' built processes; it imports none of their code.
  '@servping/stack': { dir: 'stack/src', mayImport: [] },
  '@servping/bench': { dir: 'bench/src', mayImport: BENCH_IMPORTS },
  // A thin front: it parses flags and calls the packages; it imports no service.
  '@servping/cli': { dir: 'services/cli/src', mayImport: [...BENCH_IMPORTS, '@servping/bench'] },
};

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
}

/** A relative specifier as the file it names (`./x` → `x.ts` or `x/index.ts`). */
function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  throw new Error(`${relative(ROOT, from)} imports ${specifier}, which is no file`);
}

/** Modules import graph of the package: file → files it imports inside the package. */
function moduleGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const local = specifiers(file).filter((s) => s.startsWith('.'));
    graph.set(
      file,
      local.map((s) => resolveRelative(file, s)),
    );
  }
  return graph;
}

/** Strongly connected components of more than one module, or of one that imports itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('import graph', () => {
  it.each(Object.entries(PACKAGES))('%s has no import cycle among its modules', (_name, { dir }) => {
    const graph = moduleGraph(join(ROOT, dir));
    expect(cycles(graph).map((c) => c.map((file) => relative(ROOT, file)))).toEqual([]);
  });

  it.each(Object.entries(PACKAGES))('%s imports only packages below it', (name, { dir, mayImport }) => {
    const upward = sourceFiles(join(ROOT, dir)).flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith('@servping/') && s !== name && !mayImport.includes(s))
        .map((s) => `${relative(ROOT, file)} → ${s}`),
    );
    expect(upward).toEqual([]);
  });

  it.each(Object.entries(PACKAGES))('%s never reaches into another package by path', (_name, { dir }) => {
    const packageRoot = resolve(ROOT, dir, '..');
    const escaping = sourceFiles(join(ROOT, dir)).flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith('.') && !resolve(dirname(file), s).startsWith(packageRoot))
        .map((s) => `${relative(ROOT, file)} → ${s}`),
    );
    expect(escaping).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('declares each package dependency it imports in package.json, and only downward ones', () => {
    const problems = Object.entries(PACKAGES).flatMap(([name, { dir, mayImport }]) => {
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, '..', 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      return Object.keys(manifest.dependencies ?? {})
        .filter((dep) => dep.startsWith('@servping/') && !mayImport.includes(dep))
        .map((dep) => `${name} depends on ${dep}`);
    });
    expect(problems).toEqual([]);
  });
});
