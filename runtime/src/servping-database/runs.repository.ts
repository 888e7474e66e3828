import type { Pool } from 'pg';
import type { RequestedBy, RunState } from '@servping/shared';

export interface RunRecord {
  id: string;
  state: RunState;
  requestedBy: RequestedBy;
  submit: boolean;
  /** Triggered to report while the instance collects only: stored, never sent. */
  collectOnly: boolean;
  recordedAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
  metricsTotal: number;
  metricsDone: number;
  fallbacks: number;
  shards: number;
  error: string | null;
}

interface RunRow {
  id: string;
  state: RunState;
  requested_by: RequestedBy;
  submit: boolean;
  collect_only: boolean;
  recorded_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
  metrics_total: number;
  metrics_done: number;
  fallbacks: number;
  shards: number;
  error: string | null;
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    state: row.state,
    requestedBy: row.requested_by,
    submit: row.submit,
    collectOnly: row.collect_only,
    recordedAt: row.recorded_at,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    metricsTotal: row.metrics_total,
    metricsDone: row.metrics_done,
    fallbacks: row.fallbacks,
    shards: row.shards,
    error: row.error,
  };
}

/** Result of `create`: the new run, or the run that is already active (the one-active-run index). */
export type CreateRunResult =
  { created: true; run: RunRecord } | { created: false; active: RunRecord | undefined };

/** A finished or failed run's wall time, for the console's duration chart. */
export interface RunDuration {
  id: string;
  state: string;
  durationS: number;
  createdAt: Date;
}

/** How the aggregator ends a run. */
export interface RunOutcome {
  state: 'finished' | 'failed';
  metricsDone: number;
  fallbacks: number;
  error?: string;
}

const UNIQUE_VIOLATION = '23505';

/**
 * The `runs` table of the servping database (schema: docs/architecture.md). The collector
 * records, plans and lists runs; the aggregator ends them (`finish`).
 */
export class RunsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Inserts a `planned` run unless one is active. The partial unique index `runs_one_active` makes
   * this safe under concurrency: of two simultaneous inserts exactly one commits.
   */
  async create(run: {
    id: string;
    requestedBy: RequestedBy;
    submit: boolean;
    collectOnly?: boolean;
  }): Promise<CreateRunResult> {
    try {
      const { rows } = await this.pool.query<RunRow>(
        `INSERT INTO runs (id, state, requested_by, submit, collect_only)
         VALUES ($1, 'planned', $2, $3, $4) RETURNING *`,
        [run.id, run.requestedBy, run.submit, run.collectOnly ?? false],
      );
      return { created: true, run: toRun(rows[0] as RunRow) };
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      return { created: false, active: await this.findActive() };
    }
  }

  async findActive(): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT * FROM runs WHERE state IN ('planned', 'running') LIMIT 1`,
    );
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  /** Marks active runs older than `maxAgeS` failed, so a run whose aggregator never came cannot block forever. */
  async failAbandoned(maxAgeS: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE runs SET state = 'failed', finished_at = now(),
         error = 'abandoned: still active after ' || $1 || ' s'
       WHERE state IN ('planned', 'running') AND created_at < now() - make_interval(secs => $1)
       RETURNING id`,
      [maxAgeS],
    );
    return rows.map((r) => r.id);
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query<RunRow>('SELECT * FROM runs WHERE id = $1', [id]);
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async list(limit: number): Promise<RunRecord[]> {
    const { rows } = await this.pool.query<RunRow>('SELECT * FROM runs ORDER BY created_at DESC LIMIT $1', [
      limit,
    ]);
    return rows.map(toRun);
  }

  /** Wall time of the last `limit` runs that ended, oldest first. */
  async durations(limit: number): Promise<RunDuration[]> {
    const { rows } = await this.pool.query<{
      id: string;
      state: string;
      created_at: Date;
      duration_s: number;
    }>(
      `SELECT id, state, created_at, extract(epoch FROM finished_at - created_at)::float8 AS duration_s FROM (
         SELECT * FROM runs WHERE finished_at IS NOT NULL ORDER BY created_at DESC LIMIT $1
       ) last ORDER BY created_at`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, state: r.state, createdAt: r.created_at, durationS: r.duration_s }));
  }

  /** Fixes the run's clock once: a retried plan reuses the first `recorded_at`. */
  async fixRecordedAt(id: string, recordedAt: Date): Promise<Date> {
    const { rows } = await this.pool.query<{ recorded_at: Date }>(
      'UPDATE runs SET recorded_at = COALESCE(recorded_at, $2) WHERE id = $1 RETURNING recorded_at',
      [id, recordedAt],
    );
    const row = rows[0];
    if (!row) throw new Error(`run ${id} does not exist`);
    return row.recorded_at;
  }

  /** The flow is enqueued: the run is `running` with its planned totals. */
  async markRunning(id: string, totals: { metricsTotal: number; shards: number }): Promise<void> {
    await this.pool.query(
      `UPDATE runs SET state = 'running', metrics_total = $2, shards = $3 WHERE id = $1 AND state = 'planned'`,
      [id, totals.metricsTotal, totals.shards],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE runs SET state = 'failed', finished_at = now(), error = $2
       WHERE id = $1 AND state IN ('planned', 'running')`,
      [id, error],
    );
  }

  async remove(id: string): Promise<void> {
    await this.pool.query(`DELETE FROM runs WHERE id = $1 AND state = 'planned'`, [id]);
  }

  /** Ends a run; a run the collector never recorded (a CLI run, a pruned row) is left alone. */
  async finish(runId: string, outcome: RunOutcome): Promise<void> {
    await this.pool.query(
      `UPDATE runs
          SET state = $2, finished_at = now(), metrics_done = $3, fallbacks = $4, error = $5
        WHERE id = $1`,
      [runId, outcome.state, outcome.metricsDone, outcome.fallbacks, outcome.error ?? null],
    );
  }
}
