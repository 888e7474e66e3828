/**
 * Workers on several hosts (issue 16): two workers and the aggregator run in network namespaces
 * of their own ("hosts" h1 and h2), each joined to this machine by a veth pair; PostgreSQL, Redis
 * and Versions are reached only through forwarders on each link's gateway address. Mid-run, h1's
 * link is taken down while its worker holds shards: BullMQ's stalled-job check on h2 takes them
 * over once their lock expires, and the run finishes exact, stored and delivered once, by the
 * aggregator on h2. Needs root and iproute2 (test/reliability/ensure-network-tools.sh).
 */
import { testPostgres, testRedis } from '@servping/test-servers';
import { waitFor } from './support/bounded-wait';
import { stalledShardJobs } from './support/redis-keys';
import { type FullStack } from './support/full-stack';
import { createNetworkHost, forwardPorts, type NetworkHost } from './support/network-hosts';
import { spawnService, type ServiceProcess } from './support/service-process';
import { SLOW_STACK_WORKER_ENV, startSlowShardedStack } from './support/slow-sharded-stack';

const ROWS = 12_000;
const NOTES = 400;
let full: FullStack;
const hosts: NetworkHost[] = [];
const forwarders: Array<{ close(): Promise<void> }> = [];
const processes: ServiceProcess[] = [];

/** `url` with its host and port replaced: the same server, reached through a forwarder. */
const via = (url: string, host: string, port: number) => {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.toString();
};

/** Starts `service` inside `host`, reaching this machine's servers only through the host's link. */
async function startOnHost(
  host: NetworkHost,
  service: 'worker' | 'aggregator',
  name: string,
): Promise<ServiceProcess> {
  const versionsPort = Number(new URL(full.stack.versionsUrl).port);
  const forwarder = await forwardPorts(host.gatewayAddress, {
    postgres: { host: testPostgres.host, port: testPostgres.port },
    redis: { host: testRedis.host, port: testRedis.port },
    versions: { host: '127.0.0.1', port: versionsPort },
  });
  forwarders.push(forwarder);
  const { env } = full.env;
  const through = (url: string, port: number) => via(url, host.gatewayAddress, port);
  const proc = spawnService(service, {
    name,
    logDir: full.env.logDir,
    wrapper: host.exec,
    env: {
      ...env,
      ...SLOW_STACK_WORKER_ENV,
      WORKER_STALLED_INTERVAL_MS: '2000',
      INSTANCE_DATABASE_URL: through(env.INSTANCE_DATABASE_URL as string, forwarder.ports.postgres),
      SERVPING_DATABASE_URL: through(env.SERVPING_DATABASE_URL as string, forwarder.ports.postgres),
      REDIS_URL: through(env.REDIS_URL as string, forwarder.ports.redis),
      VERSIONS_URL: `http://${host.gatewayAddress}:${forwarder.ports.versions}`,
      SUBMIT_RETRY_DELAYS_MS: '500,500,500',
      SUBMIT_TIMEOUT_MS: '5000',
    },
  });
  processes.push(proc);
  await waitFor(
    `${name} to start on ${host.namespace}`,
    () => {
      if (!proc.alive()) return Promise.reject(new Error(`${name} exited:\n${proc.log().slice(-2000)}`));
      return Promise.resolve(proc.log().includes('"msg":"started"') ? true : undefined);
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  return proc;
}

beforeAll(async () => {
  full = await startSlowShardedStack({
    label: 'hosts',
    rows: ROWS,
    notes: NOTES,
    sleepEvery: 500,
    sleepS: 0.25,
    workers: 0,
  });
  // The stack's own aggregator steps aside for the one on h2.
  const aggregatorPid = full.stack.pids.aggregator as number;
  full.stack.kill('aggregator', 'SIGTERM');
  await waitFor(
    'the local aggregator to stop',
    () => {
      try {
        process.kill(aggregatorPid, 0);
        return Promise.resolve(undefined);
      } catch {
        return Promise.resolve(true);
      }
    },
    { timeoutMs: 15_000 },
  );
  hosts.push(await createNetworkHost(1), await createNetworkHost(2));
  await Promise.all([
    startOnHost(hosts[0] as NetworkHost, 'worker', 'worker-h1'),
    startOnHost(hosts[1] as NetworkHost, 'worker', 'worker-h2'),
    startOnHost(hosts[1] as NetworkHost, 'aggregator', 'aggregator-h2'),
  ]);
}, 90_000);

afterAll(async () => {
  for (const proc of processes) proc.kill('SIGKILL');
  await Promise.all(processes.map((proc) => proc.exited));
  await Promise.all(forwarders.map((forwarder) => forwarder.close()));
  await Promise.all(hosts.map((host) => host.destroy()));
  await full?.close();
});

it('takes over the shards of a host cut off mid-run and delivers the exact run once', async () => {
  const { env } = full;
  const runId = await full.trigger(true);
  // Both hosts busy with shards (two at a time each): h1 holds some of them.
  const active = await waitFor(
    'both hosts to hold shard jobs',
    async () => {
      const jobs = await env.redis.lrange(`${env.prefix}:shards:active`, 0, -1);
      return jobs.length >= 3 ? jobs : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  await (hosts[0] as NetworkHost).cut();

  const view = await full.waitFinished(runId, 60_000);
  expect(view).toMatchObject({ state: 'finished', error: null, metrics: { fallbacks: 0, pending: 0 } });
  expect(view.shards).toBe(4);
  // A shard h1 was running when its link went down was taken over after stalling.
  expect(await stalledShardJobs(env.redis, env.prefix, active)).not.toEqual([]);

  const stored = await env.servpingDb.client.query(
    "SELECT payload->'counts' AS counts FROM raw_usage_data WHERE run_id = $1",
    [runId],
  );
  expect(stored.rows).toEqual([{ counts: { issues: ROWS, notes: NOTES } }]);
  expect(await full.delivered()).toEqual([{ stats: { issues: ROWS, notes: NOTES }, duplicate_count: 0 }]);
  // The aggregator on h2 stored and sent it; h1's worker is alive, only unreachable.
  const aggregator = processes.find((p) => p.name === 'aggregator-h2') as ServiceProcess;
  await waitFor(
    'the aggregator on h2 to log the sending',
    () => Promise.resolve(aggregator.log().includes('"msg":"payload sent"') ? true : undefined),
    { timeoutMs: 5000 },
  );
  expect((processes.find((p) => p.name === 'worker-h1') as ServiceProcess).alive()).toBe(true);
}, 90_000);
