/**
 * infra/docker/Dockerfile, read without a Docker engine: each target's base, user, init, signals,
 * healthcheck and CMD, the dependency layer, and that the build context keeps what the image needs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_NODE_OPTIONS } from '@servping/stack';
import { durationMs, loadDockerfile, parseDockerfile, REPO_ROOT, resolveTarget } from './dockerfile';
import { PORT_VARIABLE, SERVICES } from './service-env';

const stages = loadDockerfile();
const build = stages.find((s) => s.name === 'build')!;

function runInstructions(stageName: string): string[] {
  return stages
    .find((s) => s.name === stageName)!
    .instructions.filter((i) => i.keyword === 'RUN')
    .map((i) => i.args);
}

/** `.dockerignore` patterns as regular expressions over repository-relative paths. */
function dockerignoreMatchers(): RegExp[] {
  return readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((pattern) => {
      // `**/` may match no directory at all; every other `*` stays within one path segment.
      const body = pattern
        .split('**/')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('(?:.*/)?');
      // A pattern matching a directory excludes everything below it.
      return new RegExp(`^${body}(?:/.*)?$`);
    });
}

function ignored(relative: string, matchers: readonly RegExp[]): boolean {
  return matchers.some((m) => m.test(relative));
}

function filesUnder(relative: string): string[] {
  const absolute = path.join(REPO_ROOT, relative);
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute).flatMap((entry) =>
    entry === 'node_modules' || entry === 'dist' ? [] : filesUnder(path.posix.join(relative, entry)),
  );
}

describe('Dockerfile targets', () => {
  it('defines the four service targets on a shared runtime stage', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime', ...SERVICES]);
    for (const name of SERVICES) expect(stages.find((s) => s.name === name)!.base).toBe('runtime');
  });

  it.each(SERVICES)('%s runs Node 22 LTS as a non-root user under tini, stopped by SIGTERM', (name) => {
    const target = resolveTarget(stages, name);
    expect(target.baseImage).toBe('node:22-bookworm-slim');
    expect(target.user).toBe('1000:1000');
    expect(target.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(target.stopSignal).toBe('SIGTERM');
    expect(target.env.NODE_ENV).toBe('production');
    expect(runInstructions('runtime').join('\n')).toMatch(/apt-get install -y --no-install-recommends tini/);
  });

  it.each(SERVICES)(
    '%s starts exactly like its workspace `npm run start`, with the Node options of the stack',
    (name) => {
      const target = resolveTarget(stages, name);
      expect(target.cmd).toEqual(['node', `services/${name}/dist/main.js`]);
      const manifest = JSON.parse(
        readFileSync(path.join(REPO_ROOT, 'services', name, 'package.json'), 'utf8'),
      ) as {
        scripts: Record<string, string>;
      };
      expect(manifest.scripts.start).toBe(['node', ...SERVICE_NODE_OPTIONS[name], 'dist/main.js'].join(' '));
      expect(target.env.NODE_OPTIONS ?? '').toBe(SERVICE_NODE_OPTIONS[name].join(' '));
    },
  );

  it.each(SERVICES)('%s: the CMD names a file that `tsc -b` produces', (name) => {
    const tsconfig = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'services', name, 'tsconfig.json'), 'utf8'),
    ) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(path.join(REPO_ROOT, 'services', name, 'src/main.ts'))).toBe(true);
    // CI runs `tsc -b` (npm run typecheck) before the tests, so the build output is there.
    const [, entry] = resolveTarget(stages, name).cmd!;
    expect(existsSync(path.join(REPO_ROOT, entry!))).toBe(true);
  });

  it.each(SERVICES)('%s: the healthcheck fetches /healthz on the port variable of the service', (name) => {
    const target = resolveTarget(stages, name);
    const port = target.env[PORT_VARIABLE[name]];
    expect(target.expose).toEqual([port]);
    const [node, flag, script] = target.healthcheck!.command;
    expect([node, flag]).toEqual(['node', '-e']);
    expect(script).toBe(
      `fetch('http://127.0.0.1:'+(process.env.${PORT_VARIABLE[name]}||${port})+'/healthz')` +
        '.then(r=>process.exit(r.ok?0:1),()=>process.exit(1))',
    );
    const { interval, timeout, retries } = target.healthcheck!.options;
    expect(durationMs(interval!)).toBeGreaterThan(durationMs(timeout!));
    expect(Number(retries)).toBeGreaterThanOrEqual(3);
  });
});

describe('Dockerfile build stage', () => {
  it('installs from the lock file with every workspace manifest copied first', () => {
    const npmCi = build.instructions.findIndex((i) => i.keyword === 'RUN' && i.args.startsWith('npm ci'));
    const copiedBeforeInstall = build.instructions.slice(0, npmCi).filter((i) => i.keyword === 'COPY');
    const root = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    expect(copiedBeforeInstall.map((i) => i.args).sort()).toEqual(
      ['package.json package-lock.json ./', ...root.workspaces.map((w) => `${w}/package.json ${w}/`)].sort(),
    );
  });

  it('compiles, then drops dev dependencies and sources', () => {
    const run = runInstructions('build').at(-1)!;
    expect(run).toMatch(/^npm run build && npm prune --omit=dev/);
    expect(run).toContain('rm -rf shared/src runtime/src services/*/src');
  });

  it('copies into the image what the services read at run time', () => {
    const copied = build.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args.split(/\s+/)[0]);
    // The metric dictionary, both knex migration folders, and the demo instance schema for the CLI.
    for (const needed of ['shared', 'services', 'demo', 'stack', 'bench']) expect(copied).toContain(needed);
    expect(stages.find((s) => s.name === 'runtime')!.instructions).toContainEqual({
      keyword: 'COPY',
      args: '--from=build /app /app',
    });
  });

  it('keeps runtime files in the build context and host builds out of it', () => {
    const matchers = dockerignoreMatchers();
    const contextFiles = ['shared', 'runtime', 'services', 'demo', 'stack', 'bench'].flatMap(filesUnder);
    const needed = contextFiles.filter(
      (f) =>
        /\/(migrations|metrics|schema)\//.test(f) || (/\/src\/.*\.ts$/.test(f) && !f.endsWith('.test.ts')),
    );
    expect(needed.length).toBeGreaterThan(50);
    expect(needed.filter((f) => ignored(f, matchers))).toEqual([]);
    for (const excluded of [
      'node_modules/x',
      'services/worker/node_modules/x',
      'shared/dist/index.js',
      'services/collector/test/integration/a.test.ts',
      'shared/src/hll/codec.test.ts',
      'bench/results/2026-12-06-rows-2e7.json',
      '.git/HEAD',
      '.env',
    ]) {
      expect(ignored(excluded, matchers)).toBe(true);
    }
  });
});

describe('Dockerfile reader', () => {
  it('follows FROM chains, continuations and global ARGs', () => {
    const parsed = parseDockerfile(
      [
        'ARG BASE=node:22',
        'FROM ${BASE} AS one',
        'ENV A=1',
        'CMD ["a"]',
        'FROM one AS two',
        'HEALTHCHECK --interval=5s \\',
        '  CMD ["node", "-e", "1"]',
        'FROM busybox',
      ].join('\n'),
    );
    expect(parsed.map((s) => [s.name, s.base])).toEqual([
      ['one', 'node:22'],
      ['two', 'one'],
      [undefined, 'busybox'],
    ]);
    expect(resolveTarget(parsed, 'two')).toMatchObject({
      baseImage: 'node:22',
      cmd: ['a'],
      env: { A: '1' },
      healthcheck: { options: { interval: '5s' }, command: ['node', '-e', '1'] },
    });
    expect(() => resolveTarget(parseDockerfile('FROM x AS a\nCMD node main.js'), 'a')).toThrow(/exec form/);
  });

  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
  ])('reads the duration %s as %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
});
