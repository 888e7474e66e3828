import type { RedisClient } from '@servping/runtime';
import type { InstanceFacts, MetricSpec, RunContext } from '@servping/shared';
import type { ComputeContext, InstanceDbPort } from '../compute/compute-context';

/** The kinds that read the run's facts, settings or license. */
const FACT_KINDS: ReadonlySet<MetricSpec['kind']> = new Set(['system', 'setting', 'license']);

/** Why a metric of a fact kind cannot run, or undefined when it can. */
export function missingFactsReason(spec: MetricSpec, run: RunContext): string | undefined {
  return FACT_KINDS.has(spec.kind) && !run.facts
    ? `run ${run.runId} carries no instance facts; ${spec.kind} metrics need them`
    : undefined;
}

/**
 * The context of one metric of `run`. Without facts in the run, the facts are an empty object:
 * only fact kinds read them, and those are refused first (`missingFactsReason`).
 */
export function runComputeContext(
  run: RunContext,
  deps: {
    db: InstanceDbPort;
    redis: RedisClient;
    deadlineMs: number;
    targetStatementMs?: number;
    prometheusUrl: string | undefined;
    signal: AbortSignal | undefined;
  },
): ComputeContext {
  return {
    recordedAt: new Date(run.recordedAt),
    db: deps.db,
    redis: deps.redis,
    facts: run.facts?.instance ?? ({} as InstanceFacts),
    settings: run.facts?.settings ?? {},
    license: run.facts?.license ?? {},
    deadlineMs: deps.deadlineMs,
    targetStatementMs: deps.targetStatementMs,
    signal: deps.signal,
    ...(deps.prometheusUrl ? { prometheusUrl: deps.prometheusUrl } : {}),
  };
}
