/**
 * Whether a database error can go away by itself. `transient`: the connection or the server was
 * lost or was not ready (a failover, a restart, a terminated backend, a full connection table, a
 * serialization or recovery conflict); the same statement on a fresh connection a moment later
 * can succeed, so the caller retries and, when retries run out, fails the job so BullMQ's
 * attempts retry it. `definitive`: the statement itself is wrong for this database (syntax, an
 * undefined column, a permission, a read-only violation, a statement timeout at the smallest
 * batch); retrying gives the same answer, so the metric reports GitLab's fallback with the error.
 */
export type DatabaseFault = 'transient' | 'definitive';

/** SQLSTATE classes whose every code is transient (PostgreSQL "Appendix A. Error Codes"). */
const TRANSIENT_SQLSTATE_CLASSES: ReadonlySet<string> = new Set([
  // 08: connection exception (connection failure, does not exist, rejected establishment).
  '08',
]);

/** Single SQLSTATEs that are transient although the rest of their class is not. */
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown, a failover
  '57P02', // crash_shutdown: another backend crashed and the server restarts
  '57P03', // cannot_connect_now: the server is starting up or in recovery
  '40001', // serialization_failure, also a standby's conflict with recovery
  '40P01', // deadlock_detected: the other transaction has gone by the retry
  '53300', // too_many_connections
]);

/**
 * Node's socket errors (`err.code`): the server went away, refused or could not be reached.
 * A name that does not resolve is not among them: that is a configuration mistake.
 */
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * node-postgres raises a lost connection as a plain Error with no code ("Connection terminated
 * unexpectedly", "Client has encountered a connection error and is not queryable", pg-pool's
 * "timeout exceeded when trying to connect"; `pg/lib/client.js`, `pg-pool/index.js`): the text
 * is all there is to recognize them by.
 */
const NODE_POSTGRES_CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout)/;

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The fault `error` is, from its SQLSTATE, its socket error code or node-postgres's connection errors. */
export function classifyDatabaseError(error: unknown): DatabaseFault {
  if (typeof error !== 'object' || error === null) return 'definitive';
  const code = (error as { code?: unknown }).code;
  // Socket codes first: EPIPE has a SQLSTATE's shape.
  if (typeof code === 'string' && TRANSIENT_SOCKET_CODES.has(code)) return 'transient';
  if (typeof code === 'string' && SQLSTATE.test(code)) {
    return TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2))
      ? 'transient'
      : 'definitive';
  }
  const message = (error as { message?: unknown }).message;
  if (code === undefined && typeof message === 'string' && NODE_POSTGRES_CONNECTION_LOST.test(message)) {
    return 'transient';
  }
  return 'definitive';
}

/** Shorthand for `classifyDatabaseError(error) === 'transient'`. */
export function isTransientDatabaseError(error: unknown): boolean {
  return classifyDatabaseError(error) === 'transient';
}
