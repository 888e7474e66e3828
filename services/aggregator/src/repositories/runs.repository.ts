import type { Pool } from 'pg';

/** The collector's `runs` table, as the aggregator ends a run (schema: docs/architecture.md). */
export function createRunsRepository(pool: Pool) {
  return {
    /** Ends a run; a run the collector never recorded (a CLI run, a pruned row) is left alone. */
    async finish(
      runId: string,
      outcome: { state: 'finished' | 'failed'; metricsDone: number; fallbacks: number; error?: string },
    ): Promise<void> {
      await pool.query(
        `UPDATE runs
            SET state = $2, finished_at = now(), metrics_done = $3, fallbacks = $4, error = $5
          WHERE id = $1`,
        [runId, outcome.state, outcome.metricsDone, outcome.fallbacks, outcome.error ?? null],
      );
    },
  };
}

export type RunsRepository = ReturnType<typeof createRunsRepository>;
