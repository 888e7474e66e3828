import { numericLeaves, orderByKeyId, toArrayLiteral } from './ping-metric-values';

describe('numericLeaves', () => {
  it.each([
    ['a flat object', { a: 1, b: 'x', c: null, d: true }, { keyPaths: ['a'], values: [1] }],
    [
      'nested objects, dotted paths, shallower first',
      { counts: { issues: 3, deep: { x: -1 } }, active_user_count: 10 },
      { keyPaths: ['active_user_count', 'counts.issues', 'counts.deep.x'], values: [10, 3, -1] },
    ],
    ['arrays are not walked', { list: [1, 2, { a: 3 }], n: 0 }, { keyPaths: ['n'], values: [0] }],
    ['a shared path: the shallower leaf wins', { a: { b: 2 }, 'a.b': 1 }, { keyPaths: ['a.b'], values: [1] }],
    ['not an object', [1, 2], { keyPaths: [], values: [] }],
    ['a number alone', 5, { keyPaths: [], values: [] }],
  ])('%s', (_name, doc, expected) => {
    expect(numericLeaves(doc)).toEqual(expected);
  });
});

describe('orderByKeyId', () => {
  it('sorts by key id and lists the ids of values below zero', () => {
    expect(orderByKeyId([30, 10, 20], [-1, 5, -1000])).toEqual({
      keyIds: [10, 20, 30],
      values: [5, -1000, -1],
      failedKeyIds: [20, 30],
    });
  });
});

describe('toArrayLiteral', () => {
  it.each([
    [[], '{}'],
    [[1, -2, 0.5, 1e21, -0], '{1,-2,0.5,1e+21,0}'],
  ])('%j → %s', (numbers, literal) => {
    expect(toArrayLiteral(numbers)).toBe(literal);
  });
});
