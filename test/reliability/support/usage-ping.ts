import { randomUUID } from 'node:crypto';

/** A small ping of the shape GitLab instances send; every field passes the Versions schema. */
export function validPing(uuid: string = randomUUID(), recordedAt = '2026-11-20T08:00:00.000Z') {
  return {
    uuid,
    hostname: 'reliability.example.com',
    version: '17.0.1',
    installation_type: 'servping',
    active_user_count: 12,
    recorded_at: recordedAt,
    edition: 'CE',
    license_md5: null,
    counts: { issues: 3, notes: 9, projects: 2 },
    usage_activity_by_stage: { plan: { issues: 1 } },
  };
}
