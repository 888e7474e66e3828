/**
 * How a REDIS_URL is connected: one server (`redis://`, `rediss://`, as ioredis reads them) or a
 * Redis Cluster reached through seed nodes (`redis+cluster://[user:password@]host:port[,host:port…]`,
 * `rediss+cluster://` for TLS). The cluster form is ours: ioredis's `Cluster` takes a node list,
 * which a URL's single authority cannot hold.
 */
export type RedisConnectionPlan =
  | { mode: 'single'; url: string }
  | {
      mode: 'cluster';
      /** Seed nodes; the client discovers the rest with CLUSTER SLOTS. */
      nodes: ReadonlyArray<{ host: string; port: number }>;
      username?: string;
      password?: string;
      tls: boolean;
    };

const SINGLE = new Set(['redis:', 'rediss:']);
const CLUSTER = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)\/?$/i;
const NODE = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/i;

/**
 * The plan for `url`; throws an Error whose message completes "REDIS_URL …" when the text is
 * neither form (an unknown scheme, a node without a usable port, a path or query on a cluster
 * URL: a cluster has only database 0).
 */
export function redisConnectionPlan(url: string): RedisConnectionPlan {
  const cluster = CLUSTER.exec(url.trim());
  if (cluster) {
    const [, scheme, userInfo, authority] = cluster as unknown as [
      string,
      string,
      string | undefined,
      string,
    ];
    const nodes = authority.split(',').map((text) => clusterNode(text.trim()));
    const [user, password] = (userInfo ?? '').split(/:(.*)/s, 2);
    return {
      mode: 'cluster',
      nodes,
      ...(user ? { username: decodeURIComponent(user) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
      tls: scheme.toLowerCase() === 'rediss',
    };
  }
  if (/^rediss?\+cluster:/i.test(url)) {
    throw new Error(
      'must be redis+cluster://host:port[,host:port…] (no path or query: a cluster has only database 0)',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`is not a URL: ${JSON.stringify(url)}`);
  }
  if (!SINGLE.has(parsed.protocol)) {
    throw new Error(`must use redis, rediss, redis+cluster or rediss+cluster, got ${parsed.protocol}`);
  }
  return { mode: 'single', url };
}

function clusterNode(text: string): { host: string; port: number } {
  const match = NODE.exec(text);
  const port = Number(match?.[2] ?? 6379);
  if (!match || port < 1 || port > 65535) {
    throw new Error(`has a cluster node that is not host:port: ${JSON.stringify(text)}`);
  }
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

/**
 * Whether BullMQ keys under `prefix` stay in one Redis Cluster slot: the prefix must carry a
 * non-empty hash tag (`{…}`), so a flow's parent and children, and a queue's Lua scripts' keys,
 * hash alike (BullMQ's "Redis Cluster" guide).
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1);
  return close > open + 1;
}
