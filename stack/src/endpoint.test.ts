import { endpointOf, isLoopback, relocate } from './endpoint';

describe('endpointOf', () => {
  it('reads host and port, with the default port when the URL names none', () => {
    expect(endpointOf('postgres://root@127.0.0.1:5432/servping', 5432)).toEqual({
      host: '127.0.0.1',
      port: 5432,
    });
    expect(endpointOf('redis://localhost', 6379)).toEqual({ host: 'localhost', port: 6379 });
    expect(endpointOf('postgres://u:p@db.example.com:6543/x?sslmode=require', 5432)).toEqual({
      host: 'db.example.com',
      port: 6543,
    });
  });
});

describe('isLoopback', () => {
  it('accepts only this machine', () => {
    expect(isLoopback({ host: '127.0.0.1', port: 1 })).toBe(true);
    expect(isLoopback({ host: 'localhost', port: 1 })).toBe(true);
    expect(isLoopback(endpointOf('redis://[::1]:6379', 6379))).toBe(true);
    expect(isLoopback({ host: 'db.example.com', port: 1 })).toBe(false);
    expect(isLoopback({ host: '10.0.0.5', port: 1 })).toBe(false);
  });
});

describe('relocate', () => {
  it('moves host and port and keeps the database, the query and the Redis database number', () => {
    expect(
      relocate(
        'postgres://alice:secret@localhost:5432/servping_versions?application_name=x',
        { host: '127.0.0.1', port: 15432 },
        'root',
      ),
    ).toBe('postgres://root@127.0.0.1:15432/servping_versions?application_name=x');
    expect(relocate('redis://127.0.0.1:6379/12', { host: '127.0.0.1', port: 16379 })).toBe(
      'redis://127.0.0.1:16379/12',
    );
  });
});
