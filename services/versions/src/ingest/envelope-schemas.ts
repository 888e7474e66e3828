/**
 * JSON schemas of the three ingest bodies, next to the types they describe. Only the envelope is
 * constrained: every metric key an instance sends is kept (additionalProperties stays open), but
 * the facts we copy into typed columns must have the right shape.
 */

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const metricInteger = { type: 'integer', minimum: -1000, maximum: Number.MAX_SAFE_INTEGER };
/**
 * An integer past 2⁵³ written as its decimal digits, as servping sends one (a JSON number would be
 * rounded on its way): 16 to 40 digits, room for a sum of 2⁶³-sized values over 2³¹ rows and more.
 */
const bigIntegerText = { type: 'string', pattern: '^-?[0-9]{16,40}$' };

/**
 * GitLab's own docs show uuids such as `0000000-0000-…` that are not RFC 4122, so the uuid is an
 * opaque identifier: letters, digits and dashes.
 */
export const UUID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9-]{0,63}$';
const uuidSchema = { type: 'string', pattern: UUID_PATTERN };
const hostnameSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[^\\s<>"\'`]+$' };
/** Formats registered by the validator: see storable-time.ts. */
const timestampSchema = { type: 'string', format: 'storable-date-time' };
const dateSchema = { type: 'string', format: 'storable-date' };
/** `14.7.0`, `12.10.0-pre`, `16.1.2-ee`: major.minor.patch and an optional suffix. */
const versionSchema = {
  type: 'string',
  maxLength: 64,
  pattern: '^\\d{1,4}\\.\\d{1,4}\\.\\d{1,6}([-+.][A-Za-z0-9.+-]{1,48})?$',
};

export interface UsageDataEnvelope {
  uuid: string;
  hostname: string;
  version: string;
  recorded_at: string;
  edition?: string;
  installation_type?: string;
  active_user_count?: number;
  historical_max_users?: number;
  license_md5?: string | null;
  license_sha256?: string | null;
  license_id?: number | null;
  license_plan?: string | null;
  license_user_count?: number | null;
  license_starts_at?: string | null;
  license_expires_at?: string | null;
  license_trial?: boolean | null;
  license_subscription_id?: string | null;
  counts?: Record<string, unknown>;
  [metric: string]: unknown;
}

export const usageDataSchema = {
  type: 'object',
  required: ['uuid', 'hostname', 'version', 'recorded_at'],
  properties: {
    uuid: uuidSchema,
    hostname: hostnameSchema,
    version: versionSchema,
    recorded_at: timestampSchema,
    edition: { type: 'string', pattern: '^[A-Za-z]{1,16}$' },
    installation_type: { type: 'string', minLength: 1, maxLength: 100 },
    active_user_count: metricInteger,
    historical_max_users: metricInteger,
    license_md5: nullable({ type: 'string', pattern: '^[0-9a-f]{32}$' }),
    license_sha256: nullable({ type: 'string', pattern: '^[0-9a-f]{64}$' }),
    license_id: nullable({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    license_plan: nullable({ type: 'string', maxLength: 100 }),
    license_user_count: nullable(metricInteger),
    license_starts_at: nullable(dateSchema),
    license_expires_at: nullable(dateSchema),
    license_trial: nullable({ type: 'boolean' }),
    license_subscription_id: nullable({ type: 'string', maxLength: 100 }),
    licensee: nullable({ type: 'object' }),
    license_add_ons: nullable({ type: 'object' }),
    // Counts are numbers, or objects for grouped metrics and histograms ({"-1": -1} on failure),
    // or an integer past 2⁵³ as its digits (servping's form, docs/versions.md).
    counts: {
      type: 'object',
      additionalProperties: { anyOf: [{ type: ['number', 'object'] }, bigIntegerText] },
    },
  },
} as const;

export interface MetadataEnvelope {
  metadata: {
    uuid: string;
    metrics: Array<{ name: string; time_elapsed: number; error?: string; batch_size_kept?: number }>;
  };
}

export const metadataSchema = {
  type: 'object',
  required: ['metadata'],
  properties: {
    metadata: {
      type: 'object',
      required: ['uuid', 'metrics'],
      properties: {
        uuid: uuidSchema,
        metrics: {
          type: 'array',
          maxItems: 100_000,
          items: {
            type: 'object',
            required: ['name', 'time_elapsed'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 500 },
              time_elapsed: { type: 'number', minimum: 0 },
              error: { type: 'string', maxLength: 10_000 },
              // servping's: the batch size adaptive sizing kept (issue #13).
              batch_size_kept: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            },
          },
        },
      },
    },
  },
} as const;

export interface ErrorEnvelope {
  error: { time: string; uuid: string; hostname: string; version: string; message: string; elapsed: number };
}

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['time', 'uuid', 'hostname', 'version', 'message', 'elapsed'],
      properties: {
        time: timestampSchema,
        uuid: uuidSchema,
        hostname: hostnameSchema,
        version: versionSchema,
        message: { type: 'string', minLength: 1, maxLength: 100_000 },
        elapsed: { type: 'number', minimum: 0 },
      },
    },
  },
} as const;
