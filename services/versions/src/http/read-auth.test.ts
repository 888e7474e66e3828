import { cookieValue, sessionIsValid, signSession, tokenFromHeaders, tokenMatches } from './read-auth';

describe('tokenMatches', () => {
  it.each([
    ['right token', 'b', ['a', 'b'], true],
    ['wrong token', 'c', ['a', 'b'], false],
    ['prefix of a token', 'se', ['secret'], false],
    ['no tokens configured', 'a', [], false],
  ])('%s', (_n, candidate, tokens, expected) => {
    expect(tokenMatches(candidate, tokens)).toBe(expected);
  });
});

describe('tokenFromHeaders', () => {
  it.each([
    [{ authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'bearer  abc ' }, 'abc'],
    [{ authorization: 'Basic abc' }, undefined],
    [{ 'private-token': 'xyz' }, 'xyz'],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(tokenFromHeaders(headers)).toBe(expected);
  });
});

describe('dashboard session', () => {
  const secret = 's3cret';
  it('accepts its own unexpired value and rejects expired, forged or other-secret values', () => {
    const value = signSession(2_000, secret);
    expect(sessionIsValid(value, 1_999, secret)).toBe(true);
    expect(sessionIsValid(value, 2_000, secret)).toBe(false);
    expect(sessionIsValid(value, 1_000, 'other')).toBe(false);
    expect(sessionIsValid(value.replace(/^2000/, '9000'), 1_000, secret)).toBe(false);
    expect(sessionIsValid('garbage', 1_000, secret)).toBe(false);
  });

  it('reads a cookie by name', () => {
    expect(cookieValue('a=1; versions_session=x.y; b=2', 'versions_session')).toBe('x.y');
    expect(cookieValue('a=1', 'versions_session')).toBeUndefined();
  });
});
