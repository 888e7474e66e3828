import { QueryTimeoutError, CounterConfigError } from '../errors';
import { classifyDatabaseError, isTransientDatabaseError } from './database-fault';

/** An error shaped as node-postgres raises it: message, optional SQLSTATE or socket code. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('classifyDatabaseError', () => {
  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P02', 'terminating connection because of crash of another server process'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['08001', 'could not establish connection'],
    ['08P01', 'protocol violation'],
    ['40001', 'canceling statement due to conflict with recovery'],
    ['40P01', 'deadlock detected'],
    ['53300', 'sorry, too many clients already'],
  ])('SQLSTATE %s (%s) is transient', (code, message) => {
    expect(classifyDatabaseError(pgError(message, code))).toBe('transient');
  });

  it.each([
    ['42601', 'syntax error at or near "FROM"'],
    ['42703', 'column "nope" does not exist'],
    ['42P01', 'relation "nope" does not exist'],
    ['42501', 'permission denied for table users'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['57014', 'canceling statement due to statement timeout'],
    ['57P04', 'database dropped'],
    ['53100', 'could not extend file: No space left on device'],
    ['XX000', 'internal error'],
    ['22012', 'division by zero'],
  ])('SQLSTATE %s (%s) is definitive', (code, message) => {
    expect(classifyDatabaseError(pgError(message, code))).toBe('definitive');
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'])(
    'socket error %s is transient',
    (code) => {
      expect(isTransientDatabaseError(pgError(`connect ${code} 127.0.0.1:5432`, code))).toBe(true);
    },
  );

  it('an unknown host name is a configuration mistake, not a fault that passes', () => {
    expect(classifyDatabaseError(pgError('getaddrinfo ENOTFOUND db.invalid', 'ENOTFOUND'))).toBe(
      'definitive',
    );
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated',
    'Client has encountered a connection error and is not queryable',
    'timeout exceeded when trying to connect',
  ])("node-postgres's uncoded connection error %p is transient", (message) => {
    expect(classifyDatabaseError(pgError(message))).toBe('transient');
  });

  it('a message that only looks like a lost connection does not make a coded error transient', () => {
    expect(classifyDatabaseError(pgError('Connection terminated unexpectedly', '42601'))).toBe('definitive');
    expect(classifyDatabaseError(pgError('Connection terminated', 'SERVPING_QUERY_TIMEOUT'))).toBe(
      'definitive',
    );
  });

  it("servping's own errors and non-errors are definitive", () => {
    expect(classifyDatabaseError(new QueryTimeoutError('statement timeout'))).toBe('definitive');
    expect(classifyDatabaseError(new CounterConfigError('batch size too small'))).toBe('definitive');
    expect(classifyDatabaseError('Connection terminated unexpectedly')).toBe('definitive');
    expect(classifyDatabaseError(undefined)).toBe('definitive');
    expect(classifyDatabaseError(null)).toBe('definitive');
  });
});
