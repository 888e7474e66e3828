import type { UsageDataEnvelope } from './envelope-schemas';

/**
 * The top-level facts of a ping, in the camelCase the repositories take; wire names stay in the
 * payload, which is also where `counts` is read from (`payload -> 'counts'`; it is not stored twice).
 */
export interface UsageDataFacts {
  uuid: string;
  hostname: string;
  version: string;
  recordedAt: Date;
  edition: string | null;
  installationType: string | null;
  activeUserCount: number | null;
  historicalMaxUsers: number | null;
  licenseMd5: string | null;
  licenseSha256: string | null;
  licenseId: number | null;
  licensePlan: string | null;
  licenseUserCount: number | null;
  licenseStartsAt: string | null;
  licenseExpiresAt: string | null;
  licenseTrial: boolean | null;
  licenseSubscriptionId: string | null;
}

/** Copies the schema-validated envelope's facts into typed fields; absent facts become null. */
export function toUsageDataFacts(body: UsageDataEnvelope): UsageDataFacts {
  return {
    uuid: body.uuid,
    hostname: body.hostname,
    version: body.version,
    recordedAt: new Date(body.recorded_at),
    edition: body.edition ?? null,
    installationType: body.installation_type ?? null,
    activeUserCount: body.active_user_count ?? null,
    historicalMaxUsers: body.historical_max_users ?? null,
    licenseMd5: body.license_md5 ?? null,
    licenseSha256: body.license_sha256 ?? null,
    licenseId: body.license_id ?? null,
    licensePlan: body.license_plan ?? null,
    licenseUserCount: body.license_user_count ?? null,
    licenseStartsAt: body.license_starts_at ?? null,
    licenseExpiresAt: body.license_expires_at ?? null,
    licenseTrial: body.license_trial ?? null,
    licenseSubscriptionId: body.license_subscription_id ?? null,
  };
}
