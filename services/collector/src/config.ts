import { hostname } from 'node:os';
import path from 'node:path';
import {
  DATA_CATEGORIES,
  commonEnv,
  parse,
  readEnv,
  type DataCategory,
  type EnvField,
  checkQueuePrefixForRedis,
} from '@servping/shared';

/** Scopes a token may carry, as GitLab's personal access tokens (`admin` implies every scope). */
export const TOKEN_SCOPES = ['read_service_ping', 'api', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ApiToken {
  token: string;
  scopes: readonly TokenScope[];
}

/** `token:scope1+scope2,token2:scope` → tokens with scopes; every problem is reported at once. */
export function parseApiTokens(raw: string): ApiToken[] {
  return parse.list(raw).map((entry) => {
    const colon = entry.lastIndexOf(':');
    if (colon <= 0) throw new Error(`entry must be token:scope1+scope2, got an entry without scopes`);
    const token = entry.slice(0, colon);
    const scopes = entry
      .slice(colon + 1)
      .split('+')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0)
      throw new Error(
        `scopes must be among ${TOKEN_SCOPES.join(', ')}, got ${JSON.stringify(scopes.join('+'))}`,
      );
    return { token, scopes: scopes as TokenScope[] };
  });
}

function parseCategories(raw: string): DataCategory[] {
  const list = parse.list(raw).map((c) => c.toLowerCase());
  const unknown = list.filter((c) => !(DATA_CATEGORIES as readonly string[]).includes(c));
  if (unknown.length > 0) throw new Error(`unknown data categories ${unknown.join(', ')}`);
  return list as DataCategory[];
}

// src/ and dist/ sit at the same depth, so the default dictionary resolves the same from both.
const DEFAULT_DEFINITIONS_DIR = path.resolve(__dirname, '../../../shared/metrics');

export const collectorEnv = {
  port: {
    variable: 'COLLECTOR_PORT',
    parse: parse.int(0, 65535),
    default: 3000,
    description: 'HTTP port of the collector (admin API, GitLab-compatible API, dashboard, ops).',
  },
  servpingDatabaseUrl: commonEnv.servpingDatabaseUrl,
  instanceDatabaseUrl: commonEnv.instanceDatabaseUrl,
  redisUrl: commonEnv.redisUrl,
  queuePrefix: commonEnv.queuePrefix,
  logLevel: commonEnv.logLevel,
  definitionsDir: {
    variable: 'SERVPING_DEFINITIONS_DIR',
    parse: (raw: string) => path.resolve(raw),
    default: DEFAULT_DEFINITIONS_DIR,
    description: 'Root of the metric dictionary (YAML files); default `shared/metrics` of the repository.',
  },
  adminTokens: {
    variable: 'SERVPING_ADMIN_TOKENS',
    parse: parse.list,
    default: [] as string[],
    secret: true,
    description: 'Comma-separated admin tokens: every scope (trigger runs, dashboard, queries export).',
  },
  apiTokens: {
    variable: 'SERVPING_API_TOKENS',
    parse: parseApiTokens,
    default: [] as ApiToken[],
    secret: true,
    description: 'Scoped tokens `token:scope1+scope2,…`; scopes `read_service_ping`, `api`, `admin`.',
  },
  versionsUrl: {
    variable: 'VERSIONS_URL',
    parse: parse.url(['http', 'https']),
    default: 'http://127.0.0.1:3001',
    description: 'Versions ingest base URL, stored in the settings row for the aggregator.',
  },
  hostname: {
    variable: 'SERVPING_HOSTNAME',
    parse: parse.string,
    default: hostname(),
    description: 'Instance fact `hostname` (default: the machine host name); refreshed at every start.',
  },
  version: {
    variable: 'SERVPING_VERSION',
    parse: parse.string,
    default: '0.1.0',
    description: 'Instance fact `version`; refreshed at every start.',
  },
  edition: {
    variable: 'SERVPING_EDITION',
    parse: parse.string,
    default: 'CE',
    description: 'Instance fact `edition`; refreshed at every start.',
  },
  installationType: {
    variable: 'SERVPING_INSTALLATION_TYPE',
    parse: parse.string,
    default: 'servping',
    description: 'Instance fact `installation_type`; refreshed at every start.',
  },
  permittedDataCategories: {
    variable: 'SERVPING_PERMITTED_DATA_CATEGORIES',
    parse: parseCategories,
    default: [...DATA_CATEGORIES] as DataCategory[],
    description: 'Data categories collected, written to the settings row only when it is first created.',
  },
  productSettings: {
    variable: 'SERVPING_PRODUCT_SETTINGS',
    parse: parseProductSettings,
    default: {},
    description:
      'JSON object of product settings reported by `SettingMetric` definitions (e.g. {"smtp_encrypted_secrets_enabled":false}); servping adds usage_ping_enabled and operating_system.',
  },
  rateLimitPerMinute: {
    variable: 'COLLECTOR_RATE_LIMIT_PER_MINUTE',
    parse: parse.int(0, 1_000_000),
    default: 600,
    description:
      'Sustained requests per client IP per minute on /api, /runs and the queue dashboard (token bucket refill; 0 disables). Per process.',
  },
  rateLimitBurst: {
    variable: 'COLLECTOR_RATE_LIMIT_BURST',
    parse: parse.int(1, 1_000_000),
    default: 120,
    description: 'Requests a client IP may send at once before the refill rate applies.',
  },
  authFailureLimit: {
    variable: 'COLLECTOR_AUTH_FAILURE_LIMIT',
    parse: parse.int(0, 1_000_000),
    default: 30,
    description:
      'Failed authentications (401) a client IP may get per 10 minutes before it is refused with 429 (0 disables). Counted in Redis, so shared by all replicas.',
  },
  headersTimeoutMs: {
    variable: 'COLLECTOR_HEADERS_TIMEOUT_MS',
    parse: parse.int(1_000, 600_000),
    default: 10_000,
    description: 'Time a client has to send its request headers before the connection is closed (408).',
  },
  requestTimeoutMs: {
    variable: 'COLLECTOR_REQUEST_TIMEOUT_MS',
    parse: parse.int(1_000, 3_600_000),
    default: 30_000,
    description: 'Time a client has to send its whole request, body included (408 after it).',
  },
  scheduleEnabled: {
    variable: 'SERVPING_SCHEDULE_ENABLED',
    parse: parse.boolean,
    default: true,
    description: 'Keep the weekly job scheduler (cron derived from the uuid); false removes it.',
  },
  scheduleSplaySeconds: {
    variable: 'SERVPING_SCHEDULE_SPLAY_SECONDS',
    parse: parse.int(0, 86_400),
    default: 60,
    description: 'A scheduled run starts after a random delay of 0..N seconds (GitLab splays 0..60 s).',
  },
  shardRows: {
    variable: 'SERVPING_SHARD_ROWS',
    parse: parse.int(1, Number.MAX_SAFE_INTEGER),
    default: 1_000_000,
    description: 'Rows per shard: a database metric over a larger table is split into shard jobs.',
  },
  runTimeoutSeconds: {
    variable: 'SERVPING_RUN_TIMEOUT_SECONDS',
    parse: parse.int(60, 7 * 86_400),
    default: 86_400,
    description:
      'An active run older than this is marked failed so a lost run cannot block the next (GitLab lease: 1 day).',
  },
  jobRetentionSeconds: {
    variable: 'SERVPING_JOB_RETENTION_SECONDS',
    parse: parse.int(60, 90 * 86_400),
    default: 7 * 86_400,
    description: 'Completed and failed jobs of a run stay in Redis this long (run view and dashboard).',
  },
  previewMaxAgeMinutes: {
    variable: 'SERVPING_PREVIEW_MAX_AGE_MINUTES',
    parse: parse.int(0, 7 * 24 * 60),
    default: 60,
    description: 'GET /api/v1/preview serves the last preview payload if younger than this, else starts one.',
  },
  consoleSessionSecret: {
    variable: 'SERVPING_CONSOLE_SESSION_SECRET',
    parse: parse.string,
    default: undefined as string | undefined,
    secret: true,
    description:
      "HMAC key of the console's session cookies and CSRF tokens; set the same value on every collector replica (default: random per process).",
  },
  consoleSessionTtlS: {
    variable: 'SERVPING_CONSOLE_SESSION_TTL_S',
    parse: parse.int(60, 30 * 86_400),
    default: 8 * 3600,
    description: 'Lifetime of a console session (signed cookie), in seconds.',
  },
} satisfies Record<string, EnvField<unknown>>;

/** A flat JSON object of scalar values: settings are facts, not structures. */
function parseProductSettings(raw: string): Record<string, string | number | boolean | null> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('must be a JSON object, got text that is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('must be a JSON object');
  for (const [key, v] of Object.entries(value)) {
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v))
      throw new Error(`setting ${JSON.stringify(key)} must be a string, number, boolean or null`);
  }
  return value as Record<string, string | number | boolean | null>;
}

export type CollectorConfig = ReturnType<typeof loadConfig>;

/** The collector's configuration from `env`; throws `ConfigError` naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>) {
  const config = readEnv(env, collectorEnv);
  checkQueuePrefixForRedis(config);
  return config;
}
