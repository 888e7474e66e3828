import { timingsMetadata, toWireTimingsMetadata } from './timings-metadata';

describe('timingsMetadata', () => {
  it('lists every result by key_path, with the error only where a metric fell back', () => {
    const timings = timingsMetadata('uuid-1', [
      { keyPath: 'metric_group.metric_b', value: 7, timeElapsedS: 0.25 },
      { keyPath: 'counts.failing', value: -1, timeElapsedS: 1.5, error: 'canceling statement' },
      { keyPath: 'metric_a', value: 'x', timeElapsedS: 123 },
      { keyPath: 'counts.kept', value: 3, timeElapsedS: 2, batchSizeKept: 20_000 },
    ]);
    expect(timings).toEqual({
      uuid: 'uuid-1',
      metrics: [
        { name: 'counts.failing', timeElapsedS: 1.5, error: 'canceling statement' },
        { name: 'counts.kept', timeElapsedS: 2, batchSizeKept: 20_000 },
        { name: 'metric_a', timeElapsedS: 123 },
        { name: 'metric_group.metric_b', timeElapsedS: 0.25 },
      ],
    });
  });

  it('is empty for a run without results', () => {
    expect(timingsMetadata('u', [])).toEqual({ uuid: 'u', metrics: [] });
  });
});

describe('toWireTimingsMetadata', () => {
  it('renames to snake_case and omits absent errors (GitLab SubmitService spec body)', () => {
    const wire = toWireTimingsMetadata({
      uuid: 'uuid',
      metrics: [
        { name: 'metric_a', timeElapsedS: 123 },
        { name: 'metric_group.metric_b', timeElapsedS: 123, error: 'boom' },
        { name: 'metric_c', timeElapsedS: 2, batchSizeKept: 50_000 },
      ],
    });
    expect(wire).toStrictEqual({
      uuid: 'uuid',
      metrics: [
        { name: 'metric_a', time_elapsed: 123 },
        { name: 'metric_group.metric_b', time_elapsed: 123, error: 'boom' },
        { name: 'metric_c', time_elapsed: 2, batch_size_kept: 50_000 },
      ],
    });
    expect(Object.keys(wire.metrics[0]!)).toEqual(['name', 'time_elapsed']);
  });
});
