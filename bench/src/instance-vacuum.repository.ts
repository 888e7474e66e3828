import { withPgSession } from './pg-session.repository';

/**
 * VACUUMs the bench's instance database so every mode measures the steady state of a database
 * autovacuum maintains: a freshly seeded table has no visibility map and no hint bits, so its
 * first readers pay for setting them and index scans cannot skip the heap. Measured at 2·10⁷ rows:
 * servping/naive 3.0× straight after seeding, 2.3× after this VACUUM (2.5 s; the runs before had
 * already set the hint bits). On a database already vacuumed it returns in a few seconds.
 */
export async function vacuumInstance(url: string): Promise<void> {
  await maintain(url, 'VACUUM');
}

/**
 * Re-samples the planner's statistics before a repeated servping run: ANALYZE reads a random
 * sample, so each run meets plans a production database could get, and the spread over the runs
 * shows how much the result depends on them (issue #13).
 */
export async function analyzeInstance(url: string): Promise<void> {
  await maintain(url, 'ANALYZE');
}

async function maintain(url: string, command: 'VACUUM' | 'ANALYZE'): Promise<void> {
  await withPgSession(url, 'servping-bench', (client) => client.query(command));
}
