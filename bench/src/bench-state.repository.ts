import { Client } from 'pg';
import { createRedis } from '@servping/runtime';
import { dropDatabase, ensureDatabase } from '@servping/demo';
import type { BenchDatabases } from './bench-options';

/**
 * The bench's own servping state before a stack starts: fresh servping and Versions databases
 * (the services migrate them at start, so a schema changed in place by a later build never meets
 * an older database, and no run left active by an interrupted bench blocks the next trigger) and
 * empty queues. Everything here is scoped to the bench's database names and queue prefix.
 */
export async function prepareBenchState(dbs: BenchDatabases, redisUrl: string): Promise<void> {
  for (const url of [dbs.servping, dbs.versions]) {
    await dropDatabase(url);
    await ensureDatabase(url);
  }
  await deleteQueueKeys(redisUrl, dbs.queuePrefix);
}

/** Unlinks every key under the bench's queue prefix (SCAN, never KEYS). */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = createRedis(redisUrl, 'producer');
  let deleted = 0;
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}

/**
 * Where the payload of `runId` stands: `sentAt` once Versions acknowledged it
 * (`raw_usage_data.sent_at`), `lastError` once a submission attempt failed (the aggregator then
 * retries hours later, far beyond any bench), both null while it is not stored or not sent yet.
 */
export async function payloadSubmission(
  servpingUrl: string,
  runId: string,
): Promise<{ sentAt: Date | null; lastError: string | null }> {
  const client = new Client({ connectionString: servpingUrl, application_name: 'servping-bench' });
  await client.connect();
  try {
    const { rows } = await client.query<{ sent_at: Date | null; last_error: string | null }>(
      'SELECT sent_at, last_error FROM raw_usage_data WHERE run_id = $1 ORDER BY recorded_at DESC LIMIT 1',
      [runId],
    );
    return { sentAt: rows[0]?.sent_at ?? null, lastError: rows[0]?.last_error ?? null };
  } finally {
    await client.end();
  }
}

/** The payload the aggregator stored for `runId`, or null when there is none. */
export async function storedPayload(
  servpingUrl: string,
  runId: string,
): Promise<Record<string, unknown> | null> {
  const client = new Client({ connectionString: servpingUrl, application_name: 'servping-bench' });
  await client.connect();
  try {
    const { rows } = await client.query<{ payload: Record<string, unknown> }>(
      'SELECT payload FROM raw_usage_data WHERE run_id = $1 ORDER BY recorded_at DESC LIMIT 1',
      [runId],
    );
    return rows[0]?.payload ?? null;
  } finally {
    await client.end();
  }
}
