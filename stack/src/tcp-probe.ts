import { connect, createServer } from 'node:net';
import type { Endpoint } from './endpoint';

/** True when something accepts a TCP connection at `endpoint` within `timeoutMs`. */
export function answers(endpoint: Endpoint, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `preferred` if no one listens there, else the next free port above it. Fixed and below the
 * kernel's ephemeral range (32768+ on Linux), so a restart finds its port again and no outgoing
 * connection holds it.
 */
export async function freePortFrom(preferred: number, attempts = 100): Promise<number> {
  for (let port = preferred; port < preferred + attempts; port += 1) {
    if ((await canListen(port)) && !(await answers({ host: '127.0.0.1', port }, 300))) return port;
  }
  throw new Error(`no free port on 127.0.0.1 in ${preferred}..${preferred + attempts - 1}`);
}
