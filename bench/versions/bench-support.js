/* global fetch, setTimeout */
// What the Versions benches share: a GitLab-shaped payload, a throw-away database and the service
// started as a child process (so the load generator does not share the server's event loop).
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const { Client } = require('pg');
const { serviceCommand } = require('@servping/stack');

const ADMIN_URL = process.env.VERSIONS_BENCH_ADMIN_URL ?? 'postgres://root@127.0.0.1:5432/test';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** A payload shaped like GitLab's: facts, license, and ~3000 numeric leaves in the usual sections. */
function realisticPayload() {
  const section = (prefix, n) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}_${i}`, (i * 7919) % 10007]));
  const stages = [
    'configure',
    'create',
    'manage',
    'monitor',
    'package',
    'plan',
    'release',
    'secure',
    'verify',
  ];
  const byStage = (n) => Object.fromEntries(stages.map((s) => [s, section(`${s}_metric`, n)]));
  const hll = Object.fromEntries(
    Array.from({ length: 40 }, (_, c) => [`category_${c}`, section(`i_event_${c}`, 15)]),
  );
  return {
    uuid: 'UUID_PLACEHOLDER',
    hostname: 'gitlab.example.com',
    version: '17.2.1-ee',
    installation_type: 'omnibus-gitlab',
    active_user_count: 1234,
    recorded_at: 'RECORDED_AT_PLACEHOLDER',
    edition: 'EE',
    license_md5: 'c701acc03844c45366dd175ef7a4e19c',
    license_sha256: '366dd175ef7a4e19cc701acc03844c45366dd175ef7a4e19cc701acc03844c45',
    license_id: 1001,
    historical_max_users: 1500,
    licensee: { Name: 'ABC, Inc.', Company: 'ABC, Inc.' },
    license_user_count: 2000,
    license_starts_at: '2025-01-01',
    license_expires_at: '2026-01-01',
    license_plan: 'ultimate',
    license_trial: false,
    counts: { issues: 5000, notes: 40000, boards: 30, merge_requests: 9000, ...section('count', 1000) },
    counts_weekly: section('weekly', 100),
    counts_monthly: section('monthly', 200),
    usage_activity_by_stage: byStage(60),
    usage_activity_by_stage_monthly: byStage(60),
    redis_hll_counters: hll,
    settings: { ldap_encrypted_secrets_enabled: false, operating_system: 'ubuntu-22.04' },
    database: { adapter: 'postgresql', version: '15.6', flavor: null },
  };
}

function countLeaves(node) {
  if (node === null || typeof node !== 'object') return 1;
  return Object.values(node).reduce((n, v) => n + countLeaves(v), 0);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function admin(sql) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** utime + stime of a process in ms, from /proc (undefined where there is no /proc or no process). */
function processCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}
/** Resident memory of a process in MB, from /proc (undefined where there is none). */
function processRssMb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat times, is 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_S = 100;

/** CPU ms so far of every PostgreSQL backend connected to `dbName`, by pid. */
async function backendCpuMs(dbName) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
    return new Map(rows.map((r) => [r.pid, processCpuMs(r.pid)]).filter(([, ms]) => ms !== undefined));
  } finally {
    await client.end();
  }
}

/** CPU ms used between two snapshots; a backend that appeared in between counts from zero. */
function cpuBetween(before, after) {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

async function waitReady(url, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`versions exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('versions did not become ready in 10 s');
}

/**
 * Creates a database `versions_bench_<now>` and starts `node dist/main.js` on it; `stop()` ends
 * the service and drops the database. `nodeArgs` go to the child's node (e.g. `--cpu-prof`).
 */
async function startVersionsChild(extraEnv = {}, nodeArgs = []) {
  const repoRoot = path.resolve(__dirname, '../..');
  const mainJs = path.join(repoRoot, 'services/versions/dist/main.js');
  if (!fs.existsSync(mainJs)) throw new Error(`${mainJs} is missing: run npx tsc -b services/versions first`);
  const dbName = `versions_bench_${Date.now()}`;
  await admin(`CREATE DATABASE ${dbName}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The bench's node options (e.g. --cpu-prof), then the service's own, as its container runs it.
  const child = spawn(process.execPath, [...nodeArgs, ...serviceCommand(repoRoot, 'versions')], {
    env: {
      ...process.env,
      VERSIONS_PORT: String(port),
      VERSIONS_HOST: '127.0.0.1',
      VERSIONS_DATABASE_URL: databaseUrl(dbName),
      VERSIONS_RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitReady(url, child);
  return {
    url,
    dbName,
    child,
    async stop({ keepDatabase = false } = {}) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      if (keepDatabase) console.error(`kept database ${dbName}`);
      else await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    },
  };
}

function databaseUrl(dbName) {
  return ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
}

module.exports = {
  ADMIN_URL,
  arg,
  realisticPayload,
  countLeaves,
  admin,
  processCpuMs,
  processRssMb,
  backendCpuMs,
  cpuBetween,
  startVersionsChild,
  databaseUrl,
};
