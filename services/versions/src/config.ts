import { commonEnv, describeConfig, parse, readEnv, type EnvValues } from '@servping/shared';

const positiveNumber = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`must be a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
};

/** Every variable the Versions service reads, with its default; the README table is built from this. */
export const versionsEnvSpec = {
  port: {
    variable: 'VERSIONS_PORT',
    parse: parse.int(0, 65535),
    default: 3001,
    description: 'HTTP port of the ingest service, read API and dashboard.',
  },
  host: {
    variable: 'VERSIONS_HOST',
    parse: parse.string,
    default: '0.0.0.0',
    description: 'Interface to listen on.',
  },
  databaseUrl: commonEnv.versionsDatabaseUrl,
  logLevel: commonEnv.logLevel,
  bodyLimitBytes: {
    variable: 'VERSIONS_BODY_LIMIT_BYTES',
    parse: parse.int(1024, 1024 * 1024 * 1024),
    default: 10 * 1024 * 1024,
    description: 'Largest accepted request body, applied both on the wire and after gzip decompression.',
  },
  maxPayloadKeys: {
    variable: 'VERSIONS_MAX_PAYLOAD_KEYS',
    parse: parse.int(100, 10_000_000),
    // GitLab's payloads have about 3 000 keys and its metadata reports 3 × as many: ample headroom.
    default: 30_000,
    description:
      'Most object keys plus array elements one body may hold; each numeric leaf of a ping becomes a stored row.',
  },
  headersTimeoutMs: {
    variable: 'VERSIONS_HEADERS_TIMEOUT_MS',
    parse: parse.int(1_000, 600_000),
    default: 10_000,
    description: 'Time a client has to send its request headers before the connection is closed (408).',
  },
  requestTimeoutMs: {
    variable: 'VERSIONS_REQUEST_TIMEOUT_MS',
    parse: parse.int(1_000, 3_600_000),
    default: 120_000,
    description: 'Time a client has to send its whole request, body included (408 after it).',
  },
  authFailureLimit: {
    variable: 'VERSIONS_AUTH_FAILURE_LIMIT',
    parse: parse.int(0, 1_000_000),
    default: 30,
    description:
      'Failed read-token checks (401) a client IP may get per 10 minutes before it is refused with 429 (0 disables). Counted in the database, so shared by all replicas.',
  },
  timingSnapshotIntervalS: {
    variable: 'VERSIONS_TIMING_SNAPSHOT_INTERVAL_S',
    parse: parse.int(5, 86_400),
    default: 300,
    description:
      'How often the "slowest metrics" snapshot (p50/p95 over the last 30 days of timings) is recomputed in the background.',
  },
  leaderSnapshotIntervalS: {
    variable: 'VERSIONS_LEADER_SNAPSHOT_INTERVAL_S',
    parse: parse.int(1, 86_400),
    default: 60,
    description:
      'How often the DevOps score leaders (percentiles over the instances of the leader window) are recomputed in the background; pings are scored against the last snapshot.',
  },
  migrateOnStart: {
    variable: 'VERSIONS_MIGRATE_ON_START',
    parse: parse.boolean,
    default: true,
    description: 'Run the knex migrations before listening.',
  },
  readTokens: {
    variable: 'VERSIONS_READ_TOKENS',
    parse: parse.list,
    default: [] as string[],
    secret: true,
    description: 'Comma-separated tokens for the read API and dashboard; empty = read side locked.',
  },
  sessionSecret: {
    variable: 'VERSIONS_SESSION_SECRET',
    parse: parse.string,
    default: undefined as string | undefined,
    secret: true,
    description:
      'HMAC key for dashboard session cookies; set the same value on every replica (default: random per process).',
  },
  sessionTtlS: {
    variable: 'VERSIONS_SESSION_TTL_S',
    parse: parse.int(60, 30 * 24 * 3600),
    default: 8 * 3600,
    description: 'Lifetime of a dashboard session cookie, in seconds.',
  },
  rateLimitPerMinute: {
    variable: 'VERSIONS_RATE_LIMIT_PER_MINUTE',
    parse: positiveNumber,
    default: 600,
    description:
      'Sustained ingest requests per client IP per minute, counted in the database so all replicas share it (0 disables the limit).',
  },
  rateLimitBurst: {
    variable: 'VERSIONS_RATE_LIMIT_BURST',
    parse: parse.int(1, 1_000_000),
    default: 120,
    description:
      'Ingest requests a client IP may send per window; the window lasts as long as the burst takes at the sustained rate (120 at 600/min: 12 s).',
  },
  trustProxy: {
    variable: 'VERSIONS_TRUST_PROXY',
    parse: parse.boolean,
    default: false,
    description:
      'Take the client IP from X-Forwarded-For and the scheme from X-Forwarded-Proto (only behind a trusted reverse proxy); session cookies are Secure when the client used https.',
  },
  leaderWindowDays: {
    variable: 'VERSIONS_LEADER_WINDOW_DAYS',
    parse: parse.int(1, 3650),
    default: 30,
    description:
      'DevOps score leaders come from the latest ping of each instance received in this many days.',
  },
  dbStatementTimeoutMs: {
    variable: 'VERSIONS_DB_STATEMENT_TIMEOUT_MS',
    parse: parse.int(0, 3_600_000),
    default: 30_000,
    description: 'Per-statement timeout on the Versions database (0 = none).',
  },
  dbPoolMax: {
    variable: 'VERSIONS_DB_POOL_MAX',
    parse: parse.int(1, 1000),
    // An ingest is CPU-bound in PostgreSQL (jsonb parsing, TOAST) apart from the commit flush, so
    // about 2 × the database's cores + 1 keeps its cores busy; more only queues inside PostgreSQL.
    default: 5,
    description: 'Connections in the Versions database pool (about 2 × the database host cores + 1).',
  },
};

export type VersionsConfig = EnvValues<typeof versionsEnvSpec>;

/** Parses the environment into one frozen config; throws `ConfigError` listing every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): VersionsConfig {
  return readEnv(env, versionsEnvSpec);
}

/** The effective config for the start-up log, tokens and secrets redacted. */
export function describeVersionsConfig(config: VersionsConfig): Record<string, unknown> {
  return describeConfig(versionsEnvSpec, config);
}
