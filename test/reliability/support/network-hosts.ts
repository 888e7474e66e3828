import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

/**
 * Another "host" on this machine: a network namespace of its own, joined to this one by a veth
 * pair. Addresses are from 198.18.0.0/15 (RFC 2544, benchmarking; never routed), on a /30 per
 * host: this side is `gatewayAddress`, the namespace is `address`. The namespace reaches nothing
 * but what is forwarded on the gateway address (`forwardPorts`).
 */
export interface NetworkHost {
  namespace: string;
  address: string;
  gatewayAddress: string;
  /** The command prefix that runs a program inside the namespace. */
  exec: string[];
  /** Takes this side of the link down: the host is cut off (its packets go nowhere). */
  cut(): Promise<void>;
  destroy(): Promise<void>;
}

export async function createNetworkHost(index: number): Promise<NetworkHost> {
  if (index < 1 || index > 60) throw new Error('host index must be 1..60');
  const tag = randomBytes(3).toString('hex');
  const namespace = `servping-${tag}-h${index}`;
  const outside = `sph${index}o${tag}`;
  const inside = `sph${index}i${tag}`;
  const gatewayAddress = `198.18.${index}.1`;
  const address = `198.18.${index}.2`;
  await ip('netns', 'add', namespace);
  const destroy = async () => {
    // Deleting the namespace deletes its end of the pair, and with it this end.
    await ip('netns', 'del', namespace).catch(() => undefined);
    await ip('link', 'del', outside).catch(() => undefined);
  };
  try {
    await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    await ip('link', 'set', inside, 'netns', namespace);
    await ip('addr', 'add', `${gatewayAddress}/30`, 'dev', outside);
    await ip('link', 'set', outside, 'up');
    await ip('-n', namespace, 'addr', 'add', `${address}/30`, 'dev', inside);
    await ip('-n', namespace, 'link', 'set', inside, 'up');
    await ip('-n', namespace, 'link', 'set', 'lo', 'up');
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    namespace,
    address,
    gatewayAddress,
    exec: ['ip', 'netns', 'exec', namespace],
    async cut() {
      await ip('link', 'set', outside, 'down');
    },
    destroy,
  };
}

/**
 * TCP forwarders bound to `address` (a host's gateway address), one per target: what crosses the
 * link is only what is listed. Resolves with the listening port of each target by name.
 */
export async function forwardPorts<K extends string>(
  address: string,
  targets: Record<K, { host: string; port: number }>,
): Promise<{ ports: Record<K, number>; close(): Promise<void> }> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const ports = {} as Record<K, number>;
  for (const [name, target] of Object.entries(targets) as Array<[K, { host: string; port: number }]>) {
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, () => resolve());
    });
    const bound = server.address();
    if (!bound || typeof bound === 'string') throw new Error('no port');
    ports[name] = bound.port;
  }
  return {
    ports,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
