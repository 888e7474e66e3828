#!/usr/bin/env node
/**
 * Adds lock entries for optional, platform-specific packages that the package registry this lock
 * was made against does not serve (e.g. @swc/core-darwin-arm64). npm leaves them out of the lock
 * when their metadata 404s, and `npm ci` then refuses the lock as out of sync. Each added entry
 * carries the package's os/cpu, so npm skips it on every other platform without fetching it, and
 * fetches it from the registry on the platform it is for.
 *
 *   node scripts/complete-lockfile.js           # patch package-lock.json in place
 *   node scripts/complete-lockfile.js --check   # exit 1 if an entry is missing (CI, tests)
 */
const fs = require('node:fs');
const path = require('node:path');

const OS = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

/** os/cpu/libc read off a platform package name such as `core-linux-arm64-musl` or `binding-wasm32-wasi`. */
function platformOf(name) {
  const parts = path.basename(name).split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p) || p === 'arm64ec');
  const libc = parts.includes('musl')
    ? 'musl'
    : parts.includes('gnu') || parts.includes('gnueabihf')
      ? 'glibc'
      : undefined;
  return { os, cpu: cpu === 'arm64ec' ? 'arm64' : cpu, libc };
}

function missingEntries(lock) {
  const missing = new Map();
  for (const [key, entry] of Object.entries(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      // npm resolves a dependency from the package's own node_modules up to the root's.
      const candidates = [];
      for (let dir = key; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
        candidates.push(`${dir ? `${dir}/` : ''}node_modules/${name}`);
        if (!dir.includes('/node_modules/')) {
          candidates.push(`node_modules/${name}`);
          break;
        }
      }
      if (!candidates.some((c) => lock.packages[c])) missing.set(`node_modules/${name}`, version);
    }
  }
  return missing;
}

const file = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const missing = missingEntries(lock);
if (process.argv.includes('--check')) {
  if (missing.size > 0) {
    console.error(
      `package-lock.json lacks ${missing.size} optional platform entries (${[...missing.keys()][0]}, …): run node scripts/complete-lockfile.js`,
    );
    process.exit(1);
  }
  process.exit(0);
}
for (const [key, version] of missing) {
  const { os, cpu, libc } = platformOf(key);
  if (!os && !cpu) throw new Error(`cannot tell the platform of ${key}; add its entry by hand`);
  lock.packages[key] = {
    version,
    optional: true,
    ...(os ? { os: [os] } : {}),
    ...(cpu ? { cpu: [cpu] } : {}),
    ...(libc ? { libc: [libc] } : {}),
  };
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${missing.size} optional platform entries to package-lock.json`);
