import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { waitFor } from './bounded-wait';
import { freePorts } from '@servping/stack';

const run = promisify(execFile);

/** A Redis Cluster of one test file's own: `redis-server --cluster-enabled yes` nodes on free ports. */
export interface OwnRedisCluster {
  /** `redis+cluster://127.0.0.1:<port>,…`: every master as a seed node. */
  url: string;
  ports: number[];
  /** A client of the cluster for fixtures and assertions (the test's, not a service's). */
  client: Cluster;
  /** Port of the master serving `key`'s slot. */
  masterOf(key: string): Promise<number>;
  /** SIGKILLs the node on `port` (a lost master, for failover tests). */
  kill(port: number): void;
  destroy(): Promise<void>;
}

/**
 * Starts `masters × (1 + replicasPerMaster)` nodes bound to `host` (no persistence: the folder is
 * thrown away), joins them with `redis-cli --cluster create` and resolves once every node says
 * `cluster_state:ok`.
 */
export async function startRedisCluster(options: {
  masters: number;
  replicasPerMaster?: number;
  host?: string;
  /** Milliseconds before a silent master is failed over (default 2000). */
  nodeTimeoutMs?: number;
}): Promise<OwnRedisCluster> {
  const host = options.host ?? '127.0.0.1';
  const replicas = options.replicasPerMaster ?? 0;
  const folder = mkdtempSync(path.join(tmpdir(), 'servping-redis-cluster-'));
  // The cluster bus port is set explicitly: the default (port + 10000) can be taken, or past 65535.
  const count = options.masters * (1 + replicas);
  const free = await freePorts(2 * count);
  const ports = free.slice(0, count);
  const busPorts = new Map(ports.map((port, i) => [port, free[count + i] as number]));
  const nodes = new Map<number, ChildProcess>();
  let client: Cluster | undefined;
  const destroy = async () => {
    client?.disconnect();
    await Promise.all([...nodes.values()].map(stopNode));
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      nodes.set(
        port,
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            host,
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            path.join(folder, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            String(options.nodeTimeoutMs ?? 2000),
            '--dir',
            folder,
            '--save',
            '',
            '--appendonly',
            'no',
            '--cluster-port',
            String(busPorts.get(port)),
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) await waitForPing(host, port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `${host}:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await waitFor(
        `cluster node ${port} to be ok`,
        async () =>
          (await redisCli(host, port, 'cluster', 'info')).includes('cluster_state:ok') ? true : undefined,
        { timeoutMs: 15_000, intervalMs: 100 },
      );
    }
    client = new Cluster([{ host, port: ports[0] as number }], { retryDelayOnFailover: 200 });
    await waitFor(
      'the test client to see the cluster',
      async () => ((await client?.ping()) ? true : undefined),
      {
        timeoutMs: 5000,
      },
    );
  } catch (err) {
    await destroy();
    throw err;
  }
  const own = client;
  return {
    url: `redis+cluster://${ports
      .slice(0, options.masters)
      .map((port) => `${host}:${port}`)
      .join(',')}`,
    ports,
    client: own,
    async masterOf(key) {
      const slot = Number(await own.cluster('KEYSLOT', key));
      const ranges = await own.cluster('SLOTS');
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      const master = range?.[2];
      if (!master) throw new Error(`no master serves slot ${slot}`);
      return master[1];
    },
    kill(port) {
      nodes.get(port)?.kill('SIGKILL');
    },
    destroy,
  };
}

async function redisCli(host: string, port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', host, '-p', String(port), ...args])).stdout;
}

function waitForPing(host: string, port: number): Promise<true> {
  return waitFor(
    `redis-server on ${port}`,
    async () => ((await redisCli(host, port, 'ping')).trim() === 'PONG' ? true : undefined),
    { timeoutMs: 10_000, intervalMs: 50 },
  );
}

function stopNode(node: ChildProcess): Promise<void> {
  if (node.exitCode !== null || node.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    node.once('exit', () => resolve());
    node.kill('SIGKILL');
  });
}
