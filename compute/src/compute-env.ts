import { parse, type EnvField } from '@servping/shared';

/**
 * The environment variables of computing metrics, defined once for every process that computes
 * (the worker's `loadConfig` and `servping metrics compute` both read them).
 */
export const computeEnv = {
  targetStatementMs: {
    variable: 'WORKER_TARGET_STATEMENT_MS',
    parse: parse.int(10, 60_000),
    default: 250,
    description:
      'Statement time batch sizes adapt to: a batch grows while it takes under half of this and shrinks when it takes longer.',
  },
  prometheusUrl: {
    variable: 'PROMETHEUS_URL',
    parse: parse.url(['http', 'https']),
    default: undefined,
    description: 'Prometheus server of prometheus metrics; unset means they report -1.',
  } as EnvField<string | undefined>,
} satisfies Record<string, EnvField<unknown>>;
