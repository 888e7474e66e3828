/**
 * One servping run on a freshly started stack (Versions, collector, aggregator, N workers as
 * separate processes): trigger → payload acknowledged by Versions, with the longest instance
 * statement sampled and every process's peak memory read before the stack stops.
 */
import type { RunView } from '@servping/shared';
import { CollectorClient } from '@servping/runtime';
import { freePorts, startStack } from '@servping/stack';
import { startActivitySampler, type SampledStatement } from './activity-sampler.repository';
import { payloadSubmission } from './bench-state.repository';
import { readProcessMemory, type ProcessMemory } from './process-memory';
import { slowestMetrics, type MetricTime } from './slowest-metrics';

export interface StackRunOptions {
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  workers: number;
  logDir: string;
  adminToken: string;
  servpingUrl: string;
  /**
   * Where to sample statements: a database of the same server that is not the instance's (so the
   * sampler's queries stay out of the instance's statistics) and the instance database's name.
   */
  instance: { maintenanceUrl: string; name: string };
  runTimeoutS: number;
  onProgress?: (line: string) => void;
}

export interface StackRunResult {
  workers: number;
  /** The run, so its stored payload can be read (`storedPayload`). */
  runId: string;
  /** Stack start until every process answered /healthz (not part of wallMs). */
  startMs: number;
  /** Trigger until Versions acknowledged the payload (`raw_usage_data.sent_at`). */
  wallMs: number;
  /** Trigger until the run was finished (payload stored by the aggregator). */
  storedMs: number;
  metrics: RunView['metrics'];
  shards: number;
  /** Sum of the per-metric compute times the workers reported. */
  computeS: number;
  /** The metrics that took the longest (`slowestMetrics`), where the time went. */
  slowestMetrics: MetricTime[];
  statements: SampledStatement;
  memory: Record<string, ProcessMemory | null>;
  fallbacks: Array<{ name: string; error?: string }>;
  logDir: string;
}

const POLL_MS = 100;
const SLOWEST_METRICS = 10;

export async function runOnStack(options: StackRunOptions): Promise<StackRunResult> {
  const [versions, collector, aggregatorOps, ...workerOps] = (await freePorts(3 + options.workers)) as [
    number,
    number,
    number,
    ...number[],
  ];
  const startBegan = performance.now();
  const stack = await startStack({
    repoRoot: options.repoRoot,
    env: options.env,
    workers: options.workers,
    ports: { versions, collector, aggregatorOps, workerOps },
    logDir: options.logDir,
  });
  const startMs = performance.now() - startBegan;
  try {
    const sampler = await startActivitySampler(options.instance.maintenanceUrl, options.instance.name);
    let statements: SampledStatement;
    let view: RunView;
    let sentAt: Date;
    let runId: string;
    const client = new CollectorClient(stack.collectorUrl, options.adminToken);
    const triggeredAt = Date.now();
    try {
      runId = await client.trigger({ submit: true, requestedBy: 'cli' });
      const deadline = triggeredAt + options.runTimeoutS * 1000;
      view = await pollUntil(deadline, `run ${runId} to finish`, async () => {
        const current = await client.run(runId);
        options.onProgress?.(`${current.state} ${current.metrics.done}/${current.metrics.total} metrics`);
        if (current.state === 'failed')
          throw new Error(`run ${runId} failed: ${current.error ?? 'no error given'}`);
        return current.state === 'finished' ? current : undefined;
      });
      sentAt = await pollUntil(deadline, `the payload of run ${runId} to reach Versions`, async () => {
        const { sentAt: at, lastError } = await payloadSubmission(options.servpingUrl, runId);
        if (!at && lastError) throw new Error(`Versions refused the payload of run ${runId}: ${lastError}`);
        return at ?? undefined;
      });
    } finally {
      statements = await sampler.stop();
    }
    const finalView = await client.run(view.id);
    const memory: Record<string, ProcessMemory | null> = {};
    for (const [name, pid] of Object.entries(stack.pids)) memory[name] = await readProcessMemory(pid);
    return {
      workers: options.workers,
      runId,
      startMs: Math.round(startMs),
      wallMs: sentAt.getTime() - triggeredAt,
      storedMs: view.finishedAt ? new Date(view.finishedAt).getTime() - triggeredAt : Number.NaN,
      metrics: finalView.metrics,
      shards: finalView.shards,
      computeS: round3(finalView.perMetric.reduce((sum, m) => sum + (m.timeElapsedS ?? 0), 0)),
      slowestMetrics: slowestMetrics(finalView.perMetric, SLOWEST_METRICS),
      statements,
      memory,
      fallbacks: finalView.perMetric
        .filter((m) => m.state !== 'done')
        .slice(0, 20)
        .map((m) => ({ name: m.name, ...(m.error ? { error: m.error } : {}) })),
      logDir: options.logDir,
    };
  } finally {
    await stack.stop();
  }
}

/** Calls `probe` every POLL_MS until it returns a value; throws at `deadline` (epoch ms). */
async function pollUntil<T>(deadline: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
