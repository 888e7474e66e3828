import { csrfToken, csrfTokenMatches, cookieValue, issueSession, readSession } from './console-session';

const SECRET = 'console-test-secret';
const NOW = Date.UTC(2026, 11, 4, 12);
const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('console session cookie', () => {
  const value = issueSession(NOW, 3600, SECRET, NONCE);

  it('reads back a fresh session until it expires', () => {
    expect(readSession(value, NOW, SECRET)).toEqual({ expiresAtMs: NOW + 3_600_000, nonce: NONCE });
    expect(readSession(value, NOW + 3_600_000, SECRET)).toBeUndefined();
  });

  it.each([
    ['another secret', value, 'other-secret'],
    [
      'a longer expiry with the old mac',
      value.replace(String(NOW + 3_600_000), String(NOW + 7_200_000)),
      SECRET,
    ],
    ['another nonce with the old mac', value.replace(NONCE, 'BBBBBBBBBBBBBBBBBBBBBB'), SECRET],
    ['garbage', 'x.y.z', SECRET],
    ['nothing', undefined, SECRET],
  ])('refuses %s', (_name, cookie, secret) => {
    expect(readSession(cookie, NOW, secret)).toBeUndefined();
  });
});

describe('CSRF token', () => {
  const session = { expiresAtMs: NOW + 1000, nonce: NONCE };

  it('matches only the token of the same session and secret', () => {
    const token = csrfToken(session, SECRET);
    expect(csrfTokenMatches(session, token, SECRET)).toBe(true);
    expect(csrfTokenMatches({ ...session, nonce: 'BBBBBBBBBBBBBBBBBBBBBB' }, token, SECRET)).toBe(false);
    expect(csrfTokenMatches(session, token, 'other-secret')).toBe(false);
    expect(csrfTokenMatches(session, undefined, SECRET)).toBe(false);
    expect(csrfTokenMatches(session, [token], SECRET)).toBe(false);
  });
});

it('finds one cookie among several', () => {
  expect(cookieValue('a=1; servping_console=abc.def; b=2', 'servping_console')).toBe('abc.def');
  expect(cookieValue('a=1', 'servping_console')).toBeUndefined();
});
