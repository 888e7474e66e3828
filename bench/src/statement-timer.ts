/**
 * Driver-side statement timing for the single-process modes. pg_stat_statements is not preloaded
 * on the reference PostgreSQL (and enabling it needs a restart), so the bench times each
 * statement around the driver call: the figure includes the loopback round trip and row decoding,
 * which is what a caller waits for anyway.
 */

export interface StatementStats {
  count: number;
  totalMs: number;
  longestMs: number;
  /** First 300 characters of the longest statement, for the report. */
  longestSql: string;
  /** Key path of the metric whose statement was the longest, when known. */
  longestMetric?: string;
}

export class StatementTimer {
  private stats: StatementStats = { count: 0, totalMs: 0, longestMs: 0, longestSql: '' };
  /** The metric the next statements belong to; set by the mode loop. */
  currentMetric?: string;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Runs `statement`, recording its duration under `sql` whether it succeeds or throws. */
  async time<T>(sql: string, statement: () => Promise<T>): Promise<T> {
    const started = this.clock();
    try {
      return await statement();
    } finally {
      this.record(sql, this.clock() - started);
    }
  }

  record(sql: string, ms: number): void {
    this.stats.count += 1;
    this.stats.totalMs += ms;
    if (ms > this.stats.longestMs) {
      this.stats.longestMs = ms;
      this.stats.longestSql = sql.replace(/\s+/g, ' ').slice(0, 300);
      this.stats.longestMetric = this.currentMetric;
    }
  }

  snapshot(): StatementStats {
    return { ...this.stats };
  }
}
