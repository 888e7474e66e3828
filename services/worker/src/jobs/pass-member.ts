import {
  finalValue,
  partialFromWire,
  serializeSketch,
  type MetricResult,
  type PlannedMetric,
} from '@servping/shared';
import type { PassOutcomeWire } from './compute-pass.job';

/** Where a metric's pass job is: finished with an outcome, still to run, or failed or gone. */
export type PassState =
  { state: 'done'; outcome: PassOutcomeWire } | { state: 'pending' } | { state: 'gone'; reason: string };

/** Reads the state of the pass job `jobId` (a repository of the worker's queues). */
export type ReadPass = (jobId: string) => Promise<PassState>;

/** How long a metric waiting for its pass stays delayed before it looks again, in ms. */
export const PASS_POLL_MS = 500;

/**
 * `metric`'s result from its pass's outcome, or undefined when the pass left it out (it then
 * walks alone). Its time is the pass's: the time its value took, shared with the other members;
 * `pass` names the pass and what the whole pass cost, so an analyst can count a pass once.
 */
export function passMemberResult(metric: PlannedMetric, outcome: PassOutcomeWire): MetricResult | undefined {
  const member = outcome.members.find((m) => m.keyPath === metric.keyPath);
  if (!member?.partial) return undefined;
  const partial = partialFromWire(member.partial);
  return {
    keyPath: metric.keyPath,
    value: finalValue(partial),
    timeElapsedS: outcome.timeElapsedS,
    ...(partial.kind === 'sketch' ? { sketch: serializeSketch(partial.registers) } : {}),
    ...(outcome.batchSizeKept === undefined ? {} : { batchSizeKept: outcome.batchSizeKept }),
    pass: { id: outcome.id, statements: outcome.statements, rowsRead: outcome.rowsRead },
  };
}
