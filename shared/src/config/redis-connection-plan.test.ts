import { hasHashTag, redisConnectionPlan } from './redis-connection-plan';

describe('redisConnectionPlan', () => {
  it.each(['redis://127.0.0.1:6379', 'rediss://user:pw@cache.example:6380/2', 'redis://localhost'])(
    '%s is one server, passed to ioredis as it is',
    (url) => {
      expect(redisConnectionPlan(url)).toEqual({ mode: 'single', url });
    },
  );

  it('reads a cluster URL into seed nodes, credentials and TLS', () => {
    expect(redisConnectionPlan('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      tls: false,
    });
    expect(redisConnectionPlan('rediss+cluster://svc:p%40ss:word@redis-0.redis:6379/')).toEqual({
      mode: 'cluster',
      nodes: [{ host: 'redis-0.redis', port: 6379 }],
      username: 'svc',
      password: 'p@ss:word',
      tls: true,
    });
    expect(redisConnectionPlan('redis+cluster://:secret@a:7000')).toEqual({
      mode: 'cluster',
      nodes: [{ host: 'a', port: 7000 }],
      password: 'secret',
      tls: false,
    });
  });

  it.each([
    ['http://127.0.0.1:6379', /must use redis, rediss, redis\+cluster or rediss\+cluster/],
    ['not a url', /is not a URL/],
    ['redis+cluster://a:7000,b:99999', /cluster node that is not host:port: "b:99999"/],
    ['redis+cluster://a:7000,,b:7001', /cluster node that is not host:port: ""/],
    ['redis+cluster://a:7000/1', /no path or query/],
    ['redis+cluster://a:7000?tls=1', /no path or query/],
  ])('refuses %s', (url, message) => {
    expect(() => redisConnectionPlan(url)).toThrow(message);
  });
});

describe('hasHashTag', () => {
  it.each([
    ['{servping}', true],
    ['app:{servping}', true],
    ['{}servping', false],
    ['servping', false],
    ['{servping', false],
  ])('%s → %s', (prefix, expected) => {
    expect(hasHashTag(prefix)).toBe(expected);
  });
});
