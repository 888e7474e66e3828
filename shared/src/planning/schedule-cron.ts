import { createHash } from 'node:crypto';

/**
 * The weekly cron of an instance, derived from its uuid as GitLab's service ping worker does
 * (`cron_for_service_ping`, config/settings.rb): every instance reports once a week at a stable
 * time of its own, so a fleet's pings spread over the whole week instead of hitting Versions at
 * the same minute.
 * `uuid-not-set` is GitLab's stand-in when the instance has no uuid yet.
 */
export function scheduleCron(uuid: string | null | undefined): string {
  const id = uuid || 'uuid-not-set';
  const minute = sha256Mod(`${id}minute`, 60);
  const hour = sha256Mod(`${id}hour`, 24);
  const dayOfWeek = sha256Mod(id, 7);
  return `${minute} ${hour} * * ${dayOfWeek}`;
}

/** The SHA-256 digest read as one big unsigned integer (Ruby's `hexdigest.to_i(16)`), modulo `m`. */
function sha256Mod(text: string, m: number): number {
  const hex = createHash('sha256').update(text, 'utf8').digest('hex');
  return Number(BigInt(`0x${hex}`) % BigInt(m));
}
