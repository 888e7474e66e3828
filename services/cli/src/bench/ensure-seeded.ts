/**
 * Seeds the bench's instance database through `servping demo seed` itself unless the marker says
 * the same rows and seed are already there in today's schema (an index added to
 * `infra/instance-db` reseeds), then VACUUMs it (`vacuumInstance`).
 */
import type { CommandIo } from '../command';
import { demoSeedCommand } from '../commands/demo-seed';
import { instanceSchemaDigest } from '../demo/instance-schema.repository';
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
  io: CommandIo,
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
  const now = new Date().toISOString();
  const code = await demoSeedCommand.run(['--rows', String(rows), '--seed', String(seed), '--now', now], {
    ...io,
    env: { ...io.env, INSTANCE_DATABASE_URL: instanceUrl },
  });
  if (code !== 0) throw new Error(`demo seed exited with code ${code}`);
  const marker: SeedMarker = { rows, seed, schema, now, seededAt: new Date().toISOString() };
  await writeSeedMarker(instanceUrl, marker);
  await vacuumInstance(instanceUrl);
  return { skipped: false, seconds: Math.round((performance.now() - started) / 100) / 10, marker };
}
