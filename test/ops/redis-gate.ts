import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { testRedis } from '@servping/test-servers';

/**
 * A TCP relay to the real Redis that a test can close and reopen on the same port. Closing it
 * refuses new connections and drops the open ones, so exactly the clients of the service under
 * test lose Redis; the shared server and everyone else's connections are untouched (CLIENT PAUSE
 * would stall every client on the machine).
 */
export interface RedisGate {
  url: string;
  /** Drops every relayed connection and refuses new ones until `open`. */
  close(): Promise<void>;
  /** Accepts connections again on the same port. */
  open(): Promise<void>;
  /** Closes for good (idempotent). */
  dispose(): Promise<void>;
}

export async function startRedisGate(target: { host: string; port: number } = testRedis): Promise<RedisGate> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const relay = (client: Socket) => {
    const upstream = net.connect(target);
    track(client);
    track(upstream);
    // Either side ending or failing ends both: the service must see a dropped connection, not a half-open one.
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  };

  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = net.createServer(relay);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  const shut = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  server = await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: shut,
    async open() {
      if (!server) server = await listen(port);
    },
    dispose: shut,
  };
}
