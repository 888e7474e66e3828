import { assertTrustedCondition, quoteColumn, quoteIdentifier } from './sql-identifiers';
import { CounterConfigError } from '../errors';

describe('quoteIdentifier', () => {
  it.each([
    ['issues', '"issues"'],
    ['_private', '"_private"'],
    ['author_id2', '"author_id2"'],
    ['a'.repeat(63), `"${'a'.repeat(63)}"`],
  ])('quotes %s', (name, quoted) => {
    expect(quoteIdentifier(name)).toBe(quoted);
  });

  it.each([
    'issues"; DROP TABLE users; --',
    'Issues',
    '1issues',
    'issues.id',
    'a'.repeat(64),
    '',
    'id ',
    'naïve',
  ])('rejects %j before any SQL is built', (name) => {
    expect(() => quoteIdentifier(name)).toThrow(CounterConfigError);
  });

  it('quotes both parts of a column', () => {
    expect(quoteColumn({ table: 'issues', column: 'author_id' })).toBe('"issues"."author_id"');
    expect(() => quoteColumn({ table: 'issues', column: 'x" OR 1=1' })).toThrow(/invalid SQL identifier/);
  });
});

describe('assertTrustedCondition', () => {
  it('passes a plain condition through', () => {
    expect(assertTrustedCondition('issues.confidential IS FALSE')).toBe('issues.confidential IS FALSE');
  });
  it.each(['true; DELETE FROM issues', 'true -- hide', 'true /* x */', '   '])('rejects %j', (sql) => {
    expect(() => assertTrustedCondition(sql)).toThrow(CounterConfigError);
  });
});
