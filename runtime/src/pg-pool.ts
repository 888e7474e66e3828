import { Pool, type PoolConfig } from 'pg';

/** Options for a connection pool; every connection gets the same session settings. */
export interface PgPoolOptions {
  connectionString: string;
  applicationName: string;
  /** Per-statement timeout applied to every session (0 = none). */
  statementTimeoutMs?: number;
  /** Start every session read-only (`default_transaction_read_only`): counting never writes. */
  readOnly?: boolean;
  max?: number;
}

/**
 * A pg Pool whose sessions carry the statement timeout and read-only flag as startup options, so
 * they hold even for statements run outside any transaction and cannot be forgotten by a caller.
 */
export function createPgPool(options: PgPoolOptions): Pool {
  const settings: string[] = [];
  if (options.statementTimeoutMs)
    settings.push(`-c statement_timeout=${Math.trunc(options.statementTimeoutMs)}`);
  if (options.readOnly) settings.push('-c default_transaction_read_only=on');
  const config: PoolConfig = {
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    options: settings.length > 0 ? settings.join(' ') : undefined,
  };
  const pool = new Pool(config);
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
