/**
 * `npm ci` needs a lock entry for every optional platform package; the registry here serves only
 * this platform's, so scripts/complete-lockfile.js adds the others. A later `npm install` can drop
 * them again: this test notices before CI does.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'complete-lockfile.js');

describe('package-lock.json', () => {
  it('has an entry for every optional platform package (npm ci accepts it)', () => {
    expect(() => execFileSync(process.execPath, [SCRIPT, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
