import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process';

const run = promisify(execFile);

/**
 * A PostgreSQL server of one test file's own: `initdb` and `pg_ctl` on a temporary folder and a
 * free port, for the faults the shared server on 5432 must never see (a restart, a stop). Trust
 * auth for the superuser `root`, as on the shared server, so the same URLs work.
 */
export interface OwnPostgres {
  /** `postgres://root@127.0.0.1:<port>`, without a database. */
  serverUrl: string;
  port: number;
  /** Fast shutdown (`pg_ctl stop -m fast`): every backend is terminated with 57P01. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

/** The folder of the newest installed server's programs (Debian: /usr/lib/postgresql/<major>/bin). */
function binDirectory(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) throw new Error(`no PostgreSQL server programs under ${root}; set PG_BINDIR`);
  return path.join(root, majors[0]!, 'bin');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` account. */
async function asServerOwner(program: string, args: string[]): Promise<void> {
  const file = path.join(binDirectory(), program);
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', file, ...args]);
  else await run(file, args);
}

async function ownerIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']).then((r) => Number(r.stdout.trim())),
    run('id', ['-g', 'postgres']).then((r) => Number(r.stdout.trim())),
  ]);
  return { uid, gid };
}

/**
 * `settings`: extra `-c` settings (e.g. a standby's `max_standby_streaming_delay`). initdb's
 * defaults already allow streaming replication: wal_level replica, wal senders, and trust for
 * `replication` from 127.0.0.1.
 */
export async function startOwnPostgres(
  label: string,
  settings: Record<string, string> = {},
): Promise<OwnPostgres & { folder: string }> {
  const { folder, dataDir } = await ownFolder(label);
  // No fsync: the folder is thrown away, and the shared machine's disk is not this test's to load.
  await asServerOwner('initdb', [
    '-D',
    dataDir,
    '-U',
    'root',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '-N',
  ]);
  return runServer(folder, dataDir, settings);
}

/**
 * A hot standby of `primary`: `pg_basebackup -R` (streaming, with standby.signal and
 * primary_conninfo written) into a folder of its own, started on another port.
 */
export async function startStandby(
  label: string,
  primary: OwnPostgres,
  settings: Record<string, string> = {},
): Promise<OwnPostgres & { folder: string }> {
  const { folder, dataDir } = await ownFolder(label);
  await asServerOwner('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'root',
    '-D',
    dataDir,
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
  ]);
  return runServer(folder, dataDir, { hot_standby: 'on', ...settings });
}

async function ownFolder(label: string): Promise<{ folder: string; dataDir: string }> {
  const folder = mkdtempSync(path.join(tmpdir(), `servping-pg-${label}-`));
  const owner = await ownerIds();
  if (owner) chownSync(folder, owner.uid, owner.gid);
  return { folder, dataDir: path.join(folder, 'data') };
}

async function runServer(
  folder: string,
  dataDir: string,
  settings: Record<string, string>,
): Promise<OwnPostgres & { folder: string }> {
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-k ${folder}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c shared_buffers=16MB',
    '-c max_connections=60',
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ');
  const pgCtl = (...args: string[]) =>
    asServerOwner('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      path.join(folder, 'server.log'),
      '-w',
      '-t',
      '30',
      ...args,
    ]);
  const start = () => pgCtl('-o', serverOptions, 'start');
  const stop = () => pgCtl('-m', 'fast', 'stop');
  await start();
  return {
    serverUrl: `postgres://root@127.0.0.1:${port}`,
    port,
    folder,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
