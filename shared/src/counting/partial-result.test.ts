import { finalValue, mergePartials, type PartialResult } from './partial-result';
import { partialFromRows, readUnbatchedValue } from './batch-rows';
import { emptyRegisters } from '../hll/registers';
import { hashableType } from './hashable-type';
import type { DatabaseQuery } from '../definitions/types';
import { countQuery } from '../../test/support/definitions';

describe('mergePartials and finalValue', () => {
  it.each<[string, PartialResult, PartialResult, unknown]>([
    ['numbers add', { kind: 'number', value: 3 }, { kind: 'number', value: 4 }, 7],
    [
      'grouped values add key-wise',
      { kind: 'grouped', values: { A: 3, B: 1 } },
      { kind: 'grouped', values: { A: 1, B: 1, '': 2 } },
      { A: 4, B: 2, '': 2 },
    ],
    [
      'average is sum over count, not an average of averages',
      { kind: 'average', sum: 10, count: 4 },
      { kind: 'average', sum: 2, count: 1 },
      2.4,
    ],
    [
      'average of no rows is −1',
      { kind: 'average', sum: 0, count: 0 },
      { kind: 'average', sum: 0, count: 0 },
      -1,
    ],
    [
      'histogram buckets add with string keys',
      { kind: 'histogram', buckets: { '1': 2 } },
      { kind: 'histogram', buckets: { '1': 1, '2': 1 } },
      { '1': 3, '2': 1 },
    ],
    [
      'GitLab sketches take the per-bucket max: "1".."5" estimate 5.0246',
      { kind: 'gitlab_sketch', buckets: { 56: 1, 141: 1, 126: 1 } },
      { kind: 'gitlab_sketch', buckets: { 121: 2, 383: 1, 56: 1 } },
      5.024574181542231,
    ],
    [
      'empty servping sketches estimate 0',
      { kind: 'sketch', registers: emptyRegisters() },
      { kind: 'sketch', registers: emptyRegisters() },
      0,
    ],
  ])('%s', (_name, a, b, expected) => {
    expect(finalValue(mergePartials(a, b))).toEqual(expected);
  });

  it('does not modify its inputs', () => {
    const a: PartialResult = { kind: 'grouped', values: { A: 1 } };
    mergePartials(a, { kind: 'grouped', values: { A: 1 } });
    expect(a).toEqual({ kind: 'grouped', values: { A: 1 } });
  });

  it('refuses to merge different kinds', () => {
    expect(() => mergePartials({ kind: 'number', value: 1 }, { kind: 'average', sum: 1, count: 1 })).toThrow(
      'cannot merge a number partial with a average partial',
    );
  });
});

describe('partialFromRows', () => {
  const query = countQuery('issues');
  it.each<[string, DatabaseQuery, Record<string, unknown>[], PartialResult]>([
    ['a bigint count arrives as text', query, [{ value: '12' }], { kind: 'number', value: 12n }],
    [
      'a SUM(bigint) past 2⁶³ arrives as numeric text and keeps every digit',
      { ...query, operation: 'sum' },
      [{ value: '18446744073709551617' }],
      { kind: 'number', value: 18446744073709551617n },
    ],
    [
      'a sum over no rows is 0',
      { ...query, operation: 'sum' },
      [{ value: null }],
      { kind: 'number', value: 0n },
    ],
    [
      'grouped rows, NULL key as ""',
      { ...query, groupBy: { table: 'issues', column: 'state' } },
      [
        { group_key: 'opened', value: '2' },
        { group_key: null, value: '1' },
      ],
      { kind: 'grouped', values: { opened: 2n, '': 1n } },
    ],
    [
      'average',
      { ...query, operation: 'average' },
      [{ sum: '-7.50', count: '2' }],
      { kind: 'average', sum: { units: -75n, scale: 1 }, count: 2 },
    ],
    [
      'histogram',
      { ...query, operation: 'histogram' },
      [
        { bucket: 1, value: '2' },
        { bucket: 2, value: '1' },
      ],
      { kind: 'histogram', buckets: { '1': 2, '2': 1 } },
    ],
  ])('%s', (_name, q, rows, expected) => {
    expect(partialFromRows(q, rows)).toEqual(expected);
  });

  it('reads GitLab HLL rows into buckets', () => {
    const rows = [
      { bucket_num: 56, bucket_hash: 1 },
      { bucket_num: 141, bucket_hash: 1 },
    ];
    const partial = partialFromRows({ ...query, operation: 'estimate_distinct_count' }, rows, 'gitlab');
    expect(finalValue(partial)).toBe(2.003916452421793);
  });

  it('refuses a row that is not a number', () => {
    expect(() => partialFromRows(query, [{ value: 'abc' }])).toThrow(
      'batch row column value is not a number: abc',
    );
  });

  it('reads unbatched values', () => {
    expect(readUnbatchedValue({ ...query, operation: 'average' }, [{ value: 2.5 }])).toBe(2.5);
    expect(readUnbatchedValue({ ...query, operation: 'histogram' }, [{ bucket: 2, value: '1' }])).toEqual({
      '2': 1,
    });
  });
});

describe('hashableType', () => {
  it.each([
    ['bigint', 'integer'],
    ['integer', 'integer'],
    ['character varying', 'text'],
    ['text', 'text'],
    ['uuid', 'uuid'],
    ['numeric', 'other'],
    ['timestamp with time zone', 'other'],
    [null, 'other'],
  ] as const)('%s hashes as %s', (dataType, expected) => {
    expect(hashableType(dataType)).toBe(expected);
  });
});
