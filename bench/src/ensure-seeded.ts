/**
 * Seeds the bench's instance database as `servping demo seed` does (`seedDemo`) unless the marker
 * says the same rows and seed are already there in today's schema (an index added to
 * `demo/schema` reseeds), then VACUUMs it (`vacuumInstance`).
 */
import { commonEnv, readEnv } from '@servping/shared';
import { instanceSchemaDigest, seedDemo } from '@servping/demo';
import type { BenchIo } from './bench-io';
import { vacuumInstance } from './instance-vacuum.repository';
import { clearSeedMarker, readSeedMarker, writeSeedMarker, type SeedMarker } from './seed-marker.repository';

export interface SeedOutcome {
  skipped: boolean;
  seconds: number;
  marker: SeedMarker;
}

export async function ensureSeeded(
  instanceUrl: string,
  rows: number,
  seed: number,
  io: BenchIo,
): Promise<SeedOutcome> {
  const existing = await readSeedMarker(instanceUrl);
  const schema = await instanceSchemaDigest();
  if (existing && existing.rows === rows && existing.seed === seed && existing.schema === schema) {
    await vacuumInstance(instanceUrl);
    return { skipped: true, seconds: 0, marker: existing };
  }
  const started = performance.now();
  // Also when readSeedMarker ignored a marker whose data is gone: a marker left in place would
  // vouch for a seed interrupted this time.
  await clearSeedMarker(instanceUrl);
  const now = new Date();
  const { redisUrl } = readEnv(io.env, { redisUrl: commonEnv.redisUrl });
  await seedDemo({ instanceDatabaseUrl: instanceUrl, redisUrl, rows, seed, now, connections: 2 }, io.stdout);
  const marker: SeedMarker = {
    rows,
    seed,
    schema,
    now: now.toISOString(),
    seededAt: new Date().toISOString(),
  };
  await writeSeedMarker(instanceUrl, marker);
  await vacuumInstance(instanceUrl);
  return { skipped: false, seconds: Math.round((performance.now() - started) / 100) / 10, marker };
}
