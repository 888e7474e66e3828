import { benchDatabases, defaultHllMax, scaleLabel } from './bench-options';

describe('benchDatabases', () => {
  it('names every database after the prefix on the same server', () => {
    expect(benchDatabases('postgres://root@127.0.0.1:5432', 'servping_bench')).toEqual({
      instance: 'postgres://root@127.0.0.1:5432/servping_bench_instance',
      servping: 'postgres://root@127.0.0.1:5432/servping_bench',
      versions: 'postgres://root@127.0.0.1:5432/servping_bench_versions',
      maintenance: 'postgres://root@127.0.0.1:5432/postgres',
      queuePrefix: '{servping_bench}',
    });
  });
});

describe('defaultHllMax', () => {
  it.each([
    [20_000, 10_000],
    [100, 1_000],
    [1_000_000, 1_000_000],
    [9_999_999, 1_000_000],
    [20_000_000, 10_000_000],
    [1e9, 10_000_000],
  ])('%d rows → %d', (rows, expected) => {
    expect(defaultHllMax(rows)).toBe(expected);
  });
});

describe('scaleLabel', () => {
  it.each([
    [1_000_000, '1e6'],
    [20_000, '2e4'],
    [20_000_000, '2e7'],
    [1234, '1234'],
    [500, '500'],
  ])('%d → %s', (n, label) => {
    expect(scaleLabel(n)).toBe(label);
  });
});
