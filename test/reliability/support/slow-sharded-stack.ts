import type { DatabaseServers } from './collector-process';
import { countOf } from './dictionary-files';
import { startFullStack, type FullStack } from './full-stack';

/** Worker settings of the slow stack: two shards at a time, a dead worker's lock gone after 5 s. */
export const SLOW_STACK_WORKER_ENV = { WORKER_CONCURRENCY: '2', WORKER_LOCK_DURATION_MS: '5000' } as const;

/**
 * A full stack with two workers (by default) whose `counts.issues` is sharded (3000 rows per shard, batches of
 * 1300) and slow: one row in `sleepEvery` sleeps `sleepS` seconds, so shards are still running
 * when a test injects its fault. `counts.notes` is a quick unsharded control metric; with
 * `pipelines` (fewer than 3000 rows) `counts.pipelines` is a slow one, unsharded, sleeping as
 * the issues do. With `passMate`, `counts.issues_id_sum` (the sum of the issue ids, as slow) reads
 * the same rows as `counts.issues`: the two share one sharded table pass.
 */
export function startSlowShardedStack(options: {
  label: string;
  rows: number;
  notes: number;
  pipelines?: number;
  sleepEvery: number;
  sleepS: number;
  env?: Record<string, string>;
  servers?: DatabaseServers;
  readInstanceFrom?: string;
  /** Worker processes the stack starts (default 2; a test may start its own elsewhere). */
  workers?: number;
  passMate?: boolean;
}): Promise<FullStack> {
  const slowly = {
    batch_size: 1300,
    where_sql: `id % ${options.sleepEvery} <> 0 OR pg_sleep(${options.sleepS})::text = ''`,
  };
  return startFullStack({
    label: options.label,
    workers: options.workers ?? 2,
    servers: options.servers,
    readInstanceFrom: options.readInstanceFrom,
    env: {
      SERVPING_SHARD_ROWS: '3000',
      ...SLOW_STACK_WORKER_ENV,
      ...options.env,
    },
    prepare: async (env) => {
      await env.instanceDb.client.query(`
        CREATE TABLE issues (id bigint PRIMARY KEY);
        INSERT INTO issues SELECT generate_series(1, ${options.rows});
        CREATE TABLE notes (id bigint PRIMARY KEY);
        INSERT INTO notes SELECT generate_series(1, ${options.notes});
        CREATE TABLE pipelines (id bigint PRIMARY KEY);
        INSERT INTO pipelines SELECT generate_series(1, ${options.pipelines ?? 0});
        ANALYZE issues; ANALYZE notes; ANALYZE pipelines;
      `);
      await env.dictionary.write({
        'counts_all/issues.yml': countOf('counts.issues', 'issues', slowly),
        'counts_all/notes.yml': countOf('counts.notes', 'notes'),
        ...(options.passMate
          ? {
              'counts_all/issues_id_sum.yml': countOf('counts.issues_id_sum', 'issues', {
                ...slowly,
                operation: 'sum',
                column: 'id',
              }),
            }
          : {}),
        ...(options.pipelines === undefined
          ? {}
          : { 'counts_all/pipelines.yml': countOf('counts.pipelines', 'pipelines', slowly) }),
      });
    },
  });
}
