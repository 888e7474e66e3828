/**
 * Runs a single-process baseline (naive or gitlab, `single-process-mode.ts`) against the bench's
 * instance: the connections it needs and the identity it reports for system metrics.
 */
import { createPgPool, createRedis, readDatabaseFacts } from '@servping/runtime';
import type { InstanceFacts } from '@servping/shared';
import { InstanceDbRepository } from '@servping/compute';
import type { BenchCatalog } from './bench-catalog';
import {
  runSingleProcessMode,
  type SingleProcessMode,
  type SingleProcessResult,
} from './single-process-mode';

export interface BaselineRunOptions {
  instanceUrl: string;
  redisUrl: string;
  recordedAt: Date;
  facts: InstanceFacts;
  /** Progress lines, at most one per 10 s. */
  say: (line: string) => void;
}

/**
 * One baseline mode over its own one-connection instance database and Redis client, both closed
 * before it returns (so the mode's database statistics are flushed).
 */
export async function runBaseline(
  mode: SingleProcessMode,
  catalog: BenchCatalog,
  { instanceUrl, redisUrl, recordedAt, facts, say }: BaselineRunOptions,
): Promise<SingleProcessResult> {
  const db = InstanceDbRepository.connect({
    connectionString: instanceUrl,
    applicationName: `servping-bench-${mode}`,
    max: 1,
    // naive measures the plain statement however long it takes; gitlab's batches keep the
    // engine's 15 s limit (a GitLab instance's statement timeout is of that order).
    statementTimeoutMs: mode === 'naive' ? 3_600_000 : 15_000,
  });
  const redis = createRedis(redisUrl, 'producer');
  try {
    let lastLine = 0;
    return await runSingleProcessMode(mode, catalog, {
      db,
      redis,
      facts,
      recordedAt,
      onMetric: (done, total) => {
        if (Date.now() - lastLine < 10_000 && done !== total) return;
        lastLine = Date.now();
        say(`${mode}: ${done}/${total} metrics`);
      },
    });
  } finally {
    await Promise.all([db.close(), redis.quit()]);
  }
}

/** The identity the single-process modes report for system metrics (the collector's in servping mode). */
export async function readBenchFacts(instanceUrl: string): Promise<InstanceFacts> {
  const pool = createPgPool({
    connectionString: instanceUrl,
    applicationName: 'servping-bench-facts',
    readOnly: true,
    max: 1,
  });
  try {
    return {
      uuid: '00000000-0000-0000-0000-00000000be7c',
      hostname: 'servping-bench',
      version: '0.1.0',
      edition: 'CE',
      installationType: 'bench',
      database: await readDatabaseFacts(pool),
      collectedDataCategories: ['standard', 'subscription', 'operational', 'optional'],
    };
  } finally {
    await pool.end();
  }
}
