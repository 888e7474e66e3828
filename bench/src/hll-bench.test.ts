import { cardinalitiesUpTo, speedBatchSizes } from './hll-bench.repository';

describe('cardinalitiesUpTo', () => {
  it.each([
    [1_000, [1_000]],
    [1_000_000, [1_000, 10_000, 100_000, 1_000_000]],
    [10_000_000, [1_000, 10_000, 100_000, 1_000_000, 10_000_000]],
  ])('%d → %j', (max, expected) => {
    expect(cardinalitiesUpTo(max)).toEqual(expected);
  });
});

describe('speedBatchSizes', () => {
  it.each([
    [1_000_000, 10_000, [10_000, 100_000, 1_000_000]],
    [10_000, 10_000, [10_000]],
    [1_000, 10_000, [10_000]],
  ])('%d rows, default %d → %j', (rows, engineDefault, expected) => {
    expect(speedBatchSizes(rows, engineDefault)).toEqual(expected);
  });
});
