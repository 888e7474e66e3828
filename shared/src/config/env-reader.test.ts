import { ConfigError } from '../errors';
import { describeConfig, parse, readEnv } from './env-reader';
import { checkQueuePrefixForRedis } from './common-env';

const spec = {
  port: { variable: 'PORT', parse: parse.int(1, 65535), default: 3000, description: 'port' },
  url: { variable: 'DB_URL', parse: parse.url(['postgres']), description: 'db' },
  token: { variable: 'TOKEN', parse: parse.string, default: undefined, secret: true, description: 'token' },
  flag: { variable: 'FLAG', parse: parse.boolean, default: false, description: 'flag' },
};

describe('readEnv', () => {
  it('applies defaults and parses values into a frozen object', () => {
    const cfg = readEnv({ DB_URL: 'postgres://u:pw@h/db', FLAG: 'yes' }, spec);
    expect(cfg).toEqual({ port: 3000, url: 'postgres://u:pw@h/db', token: undefined, flag: true });
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('reports every bad variable at once, by name', () => {
    let caught: unknown;
    try {
      readEnv({ PORT: '70000', FLAG: 'maybe' }, spec);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((p) => p.variable);
    expect(problems).toEqual(['PORT', 'DB_URL', 'FLAG']);
    expect((caught as ConfigError).message).toContain('PORT: must be between 1 and 65535, got 70000');
  });

  it('redacts secrets and URL passwords when describing the effective config', () => {
    const cfg = readEnv({ DB_URL: 'postgres://u:pw@h/db', TOKEN: 'abc' }, spec);
    const described = describeConfig(spec, cfg);
    expect(described.TOKEN).toBe('[redacted]');
    expect(described.DB_URL).toBe('postgres://u:redacted@h/db');
  });

  it('redacts the password of a Redis Cluster URL, which is no single WHATWG URL', () => {
    const redisSpec = { redisUrl: { variable: 'REDIS_URL', parse: parse.redisUrl, description: 'r' } };
    const cfg = readEnv({ REDIS_URL: 'redis+cluster://svc:s3cret@a:7000,b:7001' }, redisSpec);
    expect(describeConfig(redisSpec, cfg)).toEqual({
      REDIS_URL: 'redis+cluster://svc:redacted@a:7000,b:7001',
    });
  });
});

describe('checkQueuePrefixForRedis', () => {
  it('asks for a hash tag in the queue prefix only on a Redis Cluster', () => {
    const cluster = 'redis+cluster://127.0.0.1:7000';
    expect(() => checkQueuePrefixForRedis({ redisUrl: cluster, queuePrefix: 'servping' })).toThrow(
      'SERVPING_QUEUE_PREFIX: must hold a hash tag such as {servping} on a Redis Cluster, got "servping"',
    );
    expect(() => checkQueuePrefixForRedis({ redisUrl: cluster, queuePrefix: '{servping}' })).not.toThrow();
    expect(() =>
      checkQueuePrefixForRedis({ redisUrl: 'redis://127.0.0.1:6379', queuePrefix: 'servping' }),
    ).not.toThrow();
  });
});
