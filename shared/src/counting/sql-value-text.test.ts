import { sqlValueText } from './sql-value-text';

describe('sqlValueText', () => {
  it.each<[unknown, string]>([
    ['abc', 'abc'],
    [12, '12'],
    [true, 'true'],
    [12n, '12'],
    [null, 'null'],
    [[1, 2], '1,2'],
    [{ a: 1 }, '{"a":1}'],
    [Object.assign(Object.create(null) as object, { b: 'x' }), '{"b":"x"}'],
  ])('shows %p as %p', (raw, text) => {
    expect(sqlValueText(raw)).toBe(text);
  });
});
