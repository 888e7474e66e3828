import { addExact, exactFromSql, exactFromWire, exactToValue, exactToWire } from './exact-number';

describe('exact aggregate values', () => {
  it.each<[string, unknown[], number | string]>([
    [
      'bigint sums past 2⁶³ keep every digit',
      ['9223372036854775807', '9223372036854775807', '3'],
      '18446744073709551617',
    ],
    ['negative and zero integers', ['-5', '0', '2'], -3],
    ['numeric sums add as decimals, not floats', ['0.1', '0.2', '-0.3'], 0],
    ['decimals of different scales', ['1.25', '2.5', '100'], 103.75],
    ['decimal sums past 2⁵³', ['9007199254740993.5', '0.5'], '9007199254740994'],
    ['a float stays a float', [0.5, '1'], 1.5],
  ])('%s', (_name, parts, expected) => {
    const total = parts.map((p) => exactFromSql(p, 'value')).reduce((a, b) => addExact(a, b));
    expect(exactToValue(total)).toBe(expected);
    // Between jobs, through JSON and back, nothing is lost either.
    const wire = JSON.parse(JSON.stringify(exactToWire(total))) as unknown;
    expect(exactToValue(exactFromWire(wire))).toBe(expected);
  });

  it.each([['abc'], [null], [{}], ['1.2.3']])('refuses %p', (raw) => {
    expect(() => exactFromSql(raw, 'value')).toThrow(/not a number/);
  });
});
