/**
 * The floor mode: one plain `SELECT count(*)` per product table, one after another on one
 * connection. Any run that reads every table must do at least this much, so its wall time, rows
 * and blocks are the scale the other modes are read against.
 */
import { escapeIdentifier } from 'pg';
import { withPgSession } from './pg-session.repository';
import { StatementTimer, type StatementStats } from './statement-timer';

export interface FloorResult {
  mode: 'floor';
  wallMs: number;
  tables: number;
  /** The rows counted, summed over the tables (the instance's size as the floor saw it). */
  rowsCounted: number;
  statements: StatementStats;
}

export async function runFloorMode(instanceUrl: string, tables: readonly string[]): Promise<FloorResult> {
  const timer = new StatementTimer();
  let rowsCounted = 0;
  const started = performance.now();
  await withPgSession(instanceUrl, 'servping-bench-floor', async (client) => {
    for (const table of tables) {
      const sql = `SELECT count(*) AS n FROM ${escapeIdentifier(table)}`;
      const { rows } = await timer.time(sql, () => client.query<{ n: string }>(sql));
      rowsCounted += Number(rows[0]?.n ?? 0);
    }
  });
  return {
    mode: 'floor',
    wallMs: performance.now() - started,
    tables: tables.length,
    rowsCounted,
    statements: timer.snapshot(),
  };
}
