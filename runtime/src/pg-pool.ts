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
  // pg-pool listens to a client's 'error' only while the client is idle (its `pool.on('error')`);
  // a connection lost while checked out (a failover, pg_terminate_backend, a pooler restart)
  // would be an unhandled 'error' event and end the process. This listener lasts the client's
  // whole life: the statement in flight fails with the error instead, and the pool drops the
  // client on release because it is no longer queryable.
  pool.on('connect', (client) => client.on('error', () => undefined));
  // The idle case: the pool has already removed the client; the next checkout connects anew.
  pool.on('error', () => undefined);
  return pool;
}
