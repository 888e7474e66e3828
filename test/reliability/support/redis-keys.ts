import { Redis } from 'ioredis';
import { testRedis } from '@servping/test-servers';

/** Every key matching `pattern` (SCAN, bounded to 10 000 iterations). */
export async function keysMatching(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  for (let i = 0; i < 10_000; i += 1) {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
    if (cursor === '0') break;
  }
  return keys;
}

export async function deleteMatching(redis: Redis, pattern: string): Promise<void> {
  const keys = await keysMatching(redis, pattern);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}

/**
 * Closes, from the Redis side, every connection that one of `pids` holds to Redis on `redisPort`
 * (found through `ss`, so no other process's connection is touched). Returns how many were killed.
 */
export async function killRedisConnectionsOf(
  redis: Redis,
  pids: readonly number[],
  redisPort = testRedis.port,
) {
  const { execFileSync } = await import('node:child_process');
  const sockets = execFileSync('ss', ['-tnpH', 'state', 'established', `dport = :${redisPort}`], {
    encoding: 'utf8',
  });
  const addresses = sockets
    .split('\n')
    .filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)))
    .map((line) => line.trim().split(/\s+/)[2])
    .filter((address): address is string => address !== undefined);
  let killed = 0;
  for (const address of addresses) {
    killed += Number(await redis.call('CLIENT', 'KILL', 'ADDR', address, 'SKIPME', 'yes').catch(() => 0));
  }
  return killed;
}

/** The shard jobs among `jobIds` that BullMQ's stalled-job check moved back to wait (stalled counter > 0). */
export async function stalledShardJobs(
  redis: Redis,
  prefix: string,
  jobIds: readonly string[],
): Promise<string[]> {
  const stalled: string[] = [];
  for (const jobId of jobIds) {
    if (Number((await redis.hget(`${prefix}:shards:${jobId}`, 'stc')) ?? 0) > 0) stalled.push(jobId);
  }
  return stalled;
}
