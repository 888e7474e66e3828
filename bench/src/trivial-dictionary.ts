/**
 * A dictionary of `count` trivial metrics for the queue-overhead measurement: system facts read
 * from the run's frozen facts, so a metric costs no I/O and the run's wall time is the pipeline
 * (planning, queueing, job pick-up, result hand-off, aggregation, payload) alone.
 */

/** `{ path, text }` of each definition file, as `readDictionaryFiles` would return them. */
export function trivialDefinitionFiles(count: number): Array<{ path: string; text: string }> {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => {
    const name = `fact_${String(i + 1).padStart(width, '0')}`;
    return {
      path: `bench_queue/${name}.yml`,
      text: [
        `key_path: bench.queue.${name}`,
        'description: Instance version, as a trivial metric for the queue-overhead bench',
        'product_group: analytics_instrumentation',
        'value_type: string',
        'status: active',
        'milestone: "17.0"',
        'introduced_by_url: https://gitlab.example/servping/bench',
        'time_frame: none',
        'data_source: system',
        'data_category: operational',
        'instrumentation_class: VersionMetric',
        'tiers: [free]',
        '',
      ].join('\n'),
    };
  });
}
