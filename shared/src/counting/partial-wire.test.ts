import { partialFromWire, partialToWire, type PartialWire } from './partial-wire';
import { finalValue, mergePartials, type PartialResult } from './partial-result';
import { emptyRegisters } from '../hll/registers';

describe('partial wire form', () => {
  const registers = emptyRegisters();
  registers[7] = 3;
  registers[16_000] = 12;
  it.each<[string, PartialResult]>([
    ['number', { kind: 'number', value: 42n }],
    ['a sum past 2⁶³', { kind: 'number', value: 2n ** 64n + 1n }],
    ['a float sum', { kind: 'number', value: 0.25 }],
    ['grouped', { kind: 'grouped', values: { A: 4n, B: -(2n ** 60n) } }],
    ['average', { kind: 'average', sum: -7n, count: 2 }],
    ['histogram', { kind: 'histogram', buckets: { '1': 2 } }],
    ['gitlab sketch', { kind: 'gitlab_sketch', buckets: { 56: 1, 141: 1 } }],
    ['servping sketch', { kind: 'sketch', registers }],
    [
      'distinct bits',
      {
        kind: 'distinct_bits',
        bits: new Map([
          ['0', 0b1011],
          ['31250', -2147483648],
        ]),
      },
    ],
    [
      'grouped distinct bits',
      {
        kind: 'grouped_distinct_bits',
        groups: new Map([
          ['opened', new Map([['3', 1]])],
          [
            '',
            new Map([
              ['0', 6],
              ['9', 1],
            ]),
          ],
        ]),
      },
    ],
  ])('%s survives JSON unchanged', (_name, partial) => {
    const back = partialFromWire(JSON.parse(JSON.stringify(partialToWire(partial))) as PartialWire);
    expect(back).toEqual(partial);
    expect(finalValue(mergePartials(back, partial))).toEqual(finalValue(mergePartials(partial, partial)));
  });
});

describe('exact distinct partials', () => {
  it('count the union of their sets: merging overlapping batches does not double count', () => {
    const a: PartialResult = { kind: 'distinct_bits', bits: new Map([['0', 0b0111]]) };
    const b: PartialResult = {
      kind: 'distinct_bits',
      bits: new Map([
        ['0', 0b1100],
        ['1', 1],
      ]),
    };
    expect(finalValue(mergePartials(a, b))).toBe(5);
  });

  it('count each group on its own, groups missing from one side kept', () => {
    const a: PartialResult = { kind: 'grouped_distinct_bits', groups: new Map([['A', new Map([['0', 3]])]]) };
    const b: PartialResult = {
      kind: 'grouped_distinct_bits',
      groups: new Map([
        ['A', new Map([['0', 6]])],
        ['B', new Map([['2', 1]])],
      ]),
    };
    expect(finalValue(mergePartials(a, b))).toEqual({ A: 3, B: 1 });
  });
});
