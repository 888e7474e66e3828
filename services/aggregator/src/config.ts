import {
  commonEnv,
  GITLAB_SUBMIT_RETRY_DELAYS_MS,
  parse,
  readEnv,
  type EnvField,
  type EnvValues,
  checkQueuePrefixForRedis,
} from '@servping/shared';

function delayList(raw: string): number[] {
  const delays = parse.list(raw).map((item) => parse.int(0, 7 * 86_400_000)(item));
  if (delays.length === 0) throw new Error('must list at least one delay in ms');
  return delays;
}

export const aggregatorEnv = {
  servpingDatabaseUrl: commonEnv.servpingDatabaseUrl,
  redisUrl: commonEnv.redisUrl,
  queuePrefix: commonEnv.queuePrefix,
  logLevel: commonEnv.logLevel,
  opsPort: {
    variable: 'AGGREGATOR_OPS_PORT',
    parse: parse.int(0, 65535),
    default: 9102,
    description: 'Port of /healthz, /readyz and /metrics.',
  },
  versionsUrl: {
    variable: 'VERSIONS_URL',
    parse: parse.url(['http', 'https']),
    default: undefined,
    description: "Base URL of Versions; overrides the settings' versions_url when set.",
  } as EnvField<string | undefined>,
  submitRetryDelaysMs: {
    variable: 'SUBMIT_RETRY_DELAYS_MS',
    parse: delayList,
    default: [...GITLAB_SUBMIT_RETRY_DELAYS_MS],
    description:
      'Comma-separated delays (ms) before each retry of a failed submission (GitLab: 8 h, 16 h, 24 h).',
  },
  submitTimeoutMs: {
    variable: 'SUBMIT_TIMEOUT_MS',
    parse: parse.int(100, 600_000),
    default: 30_000,
    description: 'Timeout of one HTTP request to Versions.',
  },
  concurrency: {
    variable: 'AGGREGATOR_CONCURRENCY',
    parse: parse.int(1, 64),
    default: 2,
    description: 'Aggregate and submit jobs processed in parallel by this process.',
  },
  stopTimeoutMs: {
    variable: 'AGGREGATOR_STOP_TIMEOUT_MS',
    parse: parse.int(0, 600_000),
    default: 20_000,
    description: 'How long a stop waits for running jobs before forcing the workers closed.',
  },
} satisfies Record<string, EnvField<unknown>>;

export type AggregatorConfig = EnvValues<typeof aggregatorEnv>;

/** The aggregator's configuration from `env`; throws `ConfigError` listing every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AggregatorConfig {
  const config = readEnv(env, aggregatorEnv);
  checkQueuePrefixForRedis(config);
  return config;
}
