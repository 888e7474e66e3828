import { createServer, type RequestListener, type Server } from 'node:http';

export interface WireBudgets {
  /** Time for a client to send its request headers. */
  headersTimeoutMs: number;
  /** Time for a client to send the whole request, body included. */
  requestTimeoutMs: number;
}

/**
 * An HTTP server that bounds how long a client may take to send a request, so slow senders
 * (1 byte/s) cannot hold connections for minutes: Node answers 408 and closes when a budget runs
 * out. Node checks the budgets every `connectionsCheckingInterval` (30 s by default, longer than
 * the budgets themselves), so the check runs every second here.
 */
export function createBudgetedServer(handler: RequestListener, budgets: WireBudgets): Server {
  // Node requires headersTimeout <= requestTimeout.
  const headersTimeoutMs = Math.min(budgets.headersTimeoutMs, budgets.requestTimeoutMs);
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: budgets.requestTimeoutMs,
      connectionsCheckingInterval: 1_000,
    },
    handler,
  );
  // An idle keep-alive connection must not outlive the header budget either.
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout, headersTimeoutMs);
  return server;
}

/** Listens on `port` (0: any free port) and resolves with the port bound. */
export async function listen(server: Server, port: number, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
