import { partialFromWire, partialToWire } from './partial-wire';
import { finalValue, mergePartials, type PartialResult } from './partial-result';
import { emptyRegisters } from '../hll/registers';

describe('partial wire form', () => {
  const registers = emptyRegisters();
  registers[7] = 3;
  registers[16_000] = 12;
  it.each<[string, PartialResult]>([
    ['number', { kind: 'number', value: 42 }],
    ['grouped', { kind: 'grouped', values: { A: 4, B: 2 } }],
    ['average', { kind: 'average', sum: 7, count: 2 }],
    ['histogram', { kind: 'histogram', buckets: { '1': 2 } }],
    ['gitlab sketch', { kind: 'gitlab_sketch', buckets: { 56: 1, 141: 1 } }],
    ['servping sketch', { kind: 'sketch', registers }],
  ])('%s survives JSON unchanged', (_name, partial) => {
    const back = partialFromWire(JSON.parse(JSON.stringify(partialToWire(partial))));
    expect(back).toEqual(partial);
    expect(finalValue(mergePartials(back, partial))).toEqual(finalValue(mergePartials(partial, partial)));
  });
});
