import { Counter, Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';

export type TriggerOutcome = 'started' | 'already_running' | 'disabled' | 'invalid_dictionary';
export type PlanOutcome = 'planned' | 'failed' | 'skipped';

/** The collector's own Prometheus series, on the process registry served at /metrics. */
export interface CollectorMetrics {
  triggers: Counter<'source' | 'outcome'>;
  runs: Counter<'outcome'>;
  rateLimited: Counter<'path'>;
}

const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'completed',
  'failed',
  'waiting-children',
  'prioritized',
] as const;

export function createCollectorMetrics(registry: Registry, queues: readonly Queue[]): CollectorMetrics {
  const triggers = new Counter({
    name: 'servping_collector_triggers_total',
    help: 'Run triggers by source (schedule, api, cli, dashboard) and outcome.',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const runs = new Counter({
    name: 'servping_collector_runs_total',
    help: 'Runs by planning outcome: planned (flow enqueued), failed (e.g. broken dictionary), skipped.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'servping_queue_jobs',
    help: 'Jobs per pipeline queue and state, read from Redis at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts(...JOB_STATES)));
      queues.forEach((queue, i) => {
        for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[i]?.[state] ?? 0);
      });
    },
  });
  const rateLimited = new Counter({
    name: 'servping_collector_rate_limited_total',
    help: 'Requests refused with 429 by the per-client rate limit, by mount path.',
    labelNames: ['path'] as const,
    registers: [registry],
  });
  return { triggers, runs, rateLimited };
}
