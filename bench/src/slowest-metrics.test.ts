import { slowestMetrics } from './slowest-metrics';

describe('slowestMetrics', () => {
  it('keeps the n longest timed metrics, longest first, ties by name', () => {
    expect(
      slowestMetrics(
        [
          { name: 'counts.issues', timeElapsedS: 1.5 },
          { name: 'counts.notes', timeElapsedS: 9.25 },
          { name: 'counts.projects' },
          { name: 'counts.ci_builds', timeElapsedS: 1.5 },
          { name: 'counts.todos', timeElapsedS: 0.1 },
        ],
        3,
      ),
    ).toEqual([
      { name: 'counts.notes', timeElapsedS: 9.25 },
      { name: 'counts.ci_builds', timeElapsedS: 1.5 },
      { name: 'counts.issues', timeElapsedS: 1.5 },
    ]);
  });
});
