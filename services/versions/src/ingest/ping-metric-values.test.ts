import { toPingMetricValues } from './ping-metric-values';

describe('toPingMetricValues', () => {
  it('sorts by key id and lists the ids of values below zero', () => {
    expect(toPingMetricValues({ ids: [30, 10, 20], values: [-1, 5, -1000], depths: [1, 1, 1] })).toEqual({
      keyIds: [10, 20, 30],
      values: [5, -1000, -1],
      failedKeyIds: [20, 30],
    });
  });

  it('takes ids already ascending as they are', () => {
    expect(toPingMetricValues({ ids: [2, 5, 9], values: [1, -2, 0], depths: [1, 2, 2] })).toEqual({
      keyIds: [2, 5, 9],
      values: [1, -2, 0],
      failedKeyIds: [5],
    });
  });

  it('keeps the shallower, then the earlier, of leaves sharing a key id', () => {
    expect(toPingMetricValues({ ids: [7, 3, 7, 7], values: [2, 9, 1, 4], depths: [2, 1, 1, 1] })).toEqual({
      keyIds: [3, 7],
      values: [9, 1],
      failedKeyIds: [],
    });
  });
});
