import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { redisConnectionPlan } from '@servping/shared';

/**
 * `blocking`: for BullMQ workers and anything that must wait out a Redis outage
 * (maxRetriesPerRequest null, as BullMQ requires). `producer`: for HTTP handlers and triggers, which
 * should fail fast when Redis is down instead of queueing commands forever.
 */
export type RedisRole = 'blocking' | 'producer';

/** A client of one Redis server or of a Redis Cluster: every servping Redis user takes either. */
export type RedisClient = Redis | Cluster;

/**
 * An ioredis client for `url` (see `redisConnectionPlan`): a `Redis` for one server, a `Cluster`
 * for `redis+cluster://` seed nodes, with the role's options on every node connection. The caller
 * owns it and must `quit()` it on shutdown.
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  const roleOptions: RedisOptions =
    role === 'blocking'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 5000 };
  const plan = redisConnectionPlan(url);
  if (plan.mode === 'single') return new Redis(url, { lazyConnect: false, ...roleOptions, ...extra });
  const { keyPrefix, ...nodeExtra } = extra;
  const clusterOptions: ClusterOptions = {
    lazyConnect: false,
    enableReadyCheck: true,
    // A failover moves slots: the client re-reads CLUSTER SLOTS and retries the command instead
    // of failing it (ioredis's defaults are 100 ms and 16 redirections).
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    ...(keyPrefix === undefined ? {} : { keyPrefix }),
    redisOptions: {
      ...roleOptions,
      ...nodeExtra,
      ...(plan.username === undefined ? {} : { username: plan.username }),
      ...(plan.password === undefined ? {} : { password: plan.password }),
      ...(plan.tls ? { tls: {} } : {}),
    },
  };
  return new Cluster(
    plan.nodes.map((node) => ({ ...node })),
    clusterOptions,
  );
}
