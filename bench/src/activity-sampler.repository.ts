/**
 * The longest statement of a multi-process mode, sampled from `pg_stat_activity`. The worker
 * processes are not the bench's, so their statements cannot be timed in the driver, and
 * pg_stat_statements is not preloaded on the reference server (it would need a restart). Every
 * `intervalMs` the sampler reads the active statements on the instance database and keeps, per
 * backend and statement start, the longest age seen: a lower bound of the real duration that is
 * short by at most one interval.
 */
import { Client } from 'pg';

export interface SampledStatement {
  longestMs: number;
  longestSql: string;
  longestApplication: string;
  /** Distinct statements seen running (one per backend and start time). */
  statementsSeen: number;
  samples: number;
  intervalMs: number;
}

export interface ActivitySampler {
  stop(): Promise<SampledStatement>;
}

export async function startActivitySampler(
  maintenanceUrl: string,
  databaseName: string,
  intervalMs = 25,
): Promise<ActivitySampler> {
  const client = new Client({ connectionString: maintenanceUrl, application_name: 'servping-bench-sampler' });
  await client.connect();
  const result: SampledStatement = {
    longestMs: 0,
    longestSql: '',
    longestApplication: '',
    statementsSeen: 0,
    samples: 0,
    intervalMs,
  };
  const seen = new Set<string>();
  let stopped = false;
  // Boxed: the loop may reject with any value, undefined included.
  let failure: { error: unknown } | undefined;

  const loop = (async () => {
    while (!stopped) {
      const { rows } = await client.query<{
        pid: number;
        started: string;
        ms: number;
        query: string;
        app: string;
      }>(
        `SELECT pid, query_start::text AS started, query, application_name AS app,
                extract(epoch FROM clock_timestamp() - query_start) * 1000 AS ms
         FROM pg_stat_activity
         WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() AND query_start IS NOT NULL`,
        [databaseName],
      );
      result.samples += 1;
      for (const row of rows) {
        seen.add(`${row.pid}@${row.started}`);
        if (row.ms > result.longestMs) {
          result.longestMs = Math.round(row.ms * 10) / 10;
          result.longestSql = row.query.replace(/\s+/g, ' ').slice(0, 300);
          result.longestApplication = row.app;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })().catch((error: unknown) => {
    // Kept for stop(): a rejection nobody awaits yet would crash the bench process.
    failure = { error };
  });

  return {
    async stop() {
      stopped = true;
      try {
        await loop;
      } finally {
        await client.end();
      }
      if (failure) throw failure.error;
      return { ...result, statementsSeen: seen.size };
    },
  };
}
