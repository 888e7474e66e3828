import { Client } from 'pg';

/**
 * VACUUMs the bench's instance database so every mode measures the steady state of a database
 * autovacuum maintains: a freshly seeded table has no visibility map and no hint bits, so its
 * first readers pay for setting them and index scans cannot skip the heap. Measured at 2·10⁷ rows:
 * servping/naive 3.0× straight after seeding, 2.3× after this VACUUM (2.5 s; the runs before had
 * already set the hint bits). On a database already vacuumed it returns in a few seconds.
 */
export async function vacuumInstance(url: string): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'servping-bench' });
  await client.connect();
  try {
    await client.query('VACUUM');
  } finally {
    await client.end();
  }
}
