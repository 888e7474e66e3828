import { ConfigError, type ConfigProblem } from '../errors';
import { redisConnectionPlan } from './redis-connection-plan';

/**
 * A declarative reader for environment variables. Each service lists its variables once, with
 * their defaults, in a spec; `readEnv` parses all of them and reports every problem at once.
 */
export type EnvField<T> = {
  /** The variable name, e.g. `REDIS_URL`. */
  variable: string;
  /** Parses the raw text; throws an Error whose message says what is wrong. */
  parse: (raw: string) => T;
  /** Used when the variable is unset or empty. Omit to make the variable required. */
  default?: T;
  /** Redacted in `describeConfig` (tokens, passwords). */
  secret?: boolean;
  /** One line for the README's variable table. */
  description: string;
};

/** A service's variables: each config field name mapped to how its variable is read. */
export type EnvSpec = Record<string, EnvField<unknown>>;
/** The typed, read-only config `readEnv` returns for a spec `S`: each field's parsed type. */
export type EnvValues<S extends EnvSpec> = {
  readonly [K in keyof S]: S[K] extends EnvField<infer T> ? T : never;
};

/** Parses `env` against `spec`; throws `ConfigError` listing every bad or missing variable. */
export function readEnv<S extends EnvSpec>(
  env: Readonly<Record<string, string | undefined>>,
  spec: S,
): EnvValues<S> {
  const out: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, field] of Object.entries(spec)) {
    const raw = env[field.variable];
    if (raw === undefined || raw === '') {
      if ('default' in field) out[key] = field.default;
      else problems.push({ variable: field.variable, message: 'is required' });
      continue;
    }
    try {
      out[key] = field.parse(raw);
    } catch (err) {
      problems.push({ variable: field.variable, message: (err as Error).message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as EnvValues<S>;
}

/** The effective configuration as `{ VARIABLE: value }` with secrets redacted, for the start-up log. */
export function describeConfig<S extends EnvSpec>(spec: S, values: EnvValues<S>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const value = (values as Record<string, unknown>)[key];
    out[field.variable] = field.secret ? (value === undefined ? undefined : '[redacted]') : redactUrl(value);
  }
  return out;
}

function redactUrl(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[a-z+]+:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (url.password) url.password = 'redacted';
    return url.toString();
  } catch {
    // Not one WHATWG URL (a redis+cluster:// node list): redact the user info's password by hand.
    return value.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, '$1redacted@');
  }
}

/**
 * Field parsers. Each throws with a message that completes "VARIABLE …". Arrow functions: specs
 * hold them unbound (`parse: parse.boolean`).
 */
export const parse = {
  string: (raw: string): string => raw,
  url: (protocols: readonly string[]) => {
    return (raw: string): string => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new Error(`is not a URL: ${JSON.stringify(raw)}`);
      }
      if (!protocols.includes(url.protocol.replace(/:$/, ''))) {
        throw new Error(`must use ${protocols.join(' or ')}, got ${url.protocol}`);
      }
      return raw;
    };
  },
  /** A REDIS_URL in either form `redisConnectionPlan` reads; returned as written. */
  redisUrl: (raw: string): string => {
    redisConnectionPlan(raw);
    return raw;
  },
  int: (min: number, max: number) => {
    return (raw: string): number => {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be an integer, got ${JSON.stringify(raw)}`);
      const n = Number(raw);
      if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
      return n;
    };
  },
  boolean: (raw: string): boolean => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new Error(`must be true or false, got ${JSON.stringify(raw)}`);
  },
  oneOf: <T extends string>(values: readonly T[]) => {
    return (raw: string): T => {
      if (!(values as readonly string[]).includes(raw))
        throw new Error(`must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw as T;
    };
  },
  list: (raw: string): string[] => {
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  },
};
