import { UnrecoverableError, type Job } from 'bullmq';
import {
  computeTablePass,
  withDeadline,
  type InstanceDbPort,
  type PassMemberOutcome,
} from '@servping/compute';
import {
  errorText,
  isTransientDatabaseError,
  mergePartials,
  partialFromWire,
  partialToWire,
  ServpingError,
  type JobDataByName,
  type PartialWire,
  type PlannedMetric,
} from '@servping/shared';

/** A pass job's return value: each member's partial (or why it walks alone) and the pass's cost. */
export interface PassOutcomeWire {
  /** `PlannedPass.id`. */
  id: string;
  members: Array<{ keyPath: string; partial?: PartialWire; alone?: string }>;
  /** Statements of the pass, all its shards together. */
  statements: number;
  /** Rows its batches read after joins and window. */
  rowsRead: number;
  /** Wall time of the pass: its shards' times added, as a sharded metric's are. */
  timeElapsedS: number;
  batchSizeKept?: number;
}

/**
 * Computes a shared table pass: merges its shard children, or walks its range (a shard) or the
 * whole primary key with `computeTablePass`. Pure reads, so a re-run after a stall is harmless.
 * A database fault or a cancellation throws for BullMQ to retry the pass; any other failure of
 * the pass as a whole (a shard that failed, a statement no member fails alone) is unrecoverable:
 * the pass fails at once and its members walk alone, so one bad pass costs no retries.
 */
export async function computePass(
  job: Job<JobDataByName['compute-pass']>,
  deps: {
    db: InstanceDbPort;
    deadlineMs: number;
    signal: AbortSignal | undefined;
    targetStatementMs?: number;
  },
): Promise<PassOutcomeWire> {
  const { pass, range, shards, recordedAt } = job.data;
  if (shards && shards.length > 0) return mergeShards(job, pass.members, shards.length);
  const [first] = pass.members;
  const startedMs = performance.now();
  try {
    const outcome = await withDeadline(
      (signal) =>
        computeTablePass({
          members: pass.members.map(databaseQuery),
          timeFrame: first?.timeFrame ?? 'all',
          recordedAt: new Date(recordedAt),
          db: deps.db,
          ...(range ? { range } : {}),
          signal,
          targetStatementMs: deps.targetStatementMs,
        }),
      deps.signal,
      deps.deadlineMs,
    );
    return {
      id: pass.id,
      members: pass.members.map((metric, i) => memberWire(metric, outcome.members[i]!)),
      statements: outcome.statements,
      rowsRead: outcome.rowsRead,
      timeElapsedS: (performance.now() - startedMs) / 1000,
      ...(outcome.batchSizeKept === undefined ? {} : { batchSizeKept: outcome.batchSizeKept }),
    };
  } catch (error) {
    if (deps.signal?.aborted || isTransientDatabaseError(error)) throw error;
    throw new UnrecoverableError(`pass ${pass.id} failed, its metrics walk alone: ${errorText(error)}`);
  }
}

function databaseQuery(metric: PlannedMetric) {
  if (metric.spec.kind !== 'database') {
    throw new ServpingError('SERVPING_UNSUPPORTED_METRIC', `${metric.keyPath} is not a database metric`);
  }
  return metric.spec.query;
}

function memberWire(metric: PlannedMetric, outcome: PassMemberOutcome): PassOutcomeWire['members'][number] {
  const { keyPath } = metric;
  return 'partial' in outcome
    ? { keyPath, partial: partialToWire(outcome.partial) }
    : { keyPath, alone: `${keyPath} left pass: ${outcome.alone}` };
}

/** The pass over all its shards: a member any shard left walks alone; the others merge exactly. */
async function mergeShards(
  job: Job<JobDataByName['compute-pass']>,
  members: PlannedMetric[],
  shardCount: number,
): Promise<PassOutcomeWire> {
  const [values, failures] = await Promise.all([
    job.getChildrenValues<PassOutcomeWire>(),
    job.getIgnoredChildrenFailures(),
  ]);
  const outcomes = Object.values(values);
  const failed = Object.entries(failures)[0];
  if (failed)
    throw new UnrecoverableError(`pass ${job.data.pass.id} shard ${failed[0]} failed: ${failed[1]}`);
  if (outcomes.length !== shardCount) {
    throw new UnrecoverableError(
      `pass ${job.data.pass.id}: ${outcomes.length} of ${shardCount} shard results found`,
    );
  }
  const merged = members.map((metric, i) => {
    const parts = outcomes.map((o) => o.members[i]!);
    const left = parts.find((p) => p.alone !== undefined);
    if (left) return left;
    const partial = parts.map((p) => partialFromWire(p.partial!)).reduce((a, b) => mergePartials(a, b));
    return { keyPath: metric.keyPath, partial: partialToWire(partial) };
  });
  const kept = outcomes.flatMap((o) => (o.batchSizeKept === undefined ? [] : [o.batchSizeKept]));
  return {
    id: job.data.pass.id,
    members: merged,
    statements: outcomes.reduce((sum, o) => sum + o.statements, 0),
    rowsRead: outcomes.reduce((sum, o) => sum + o.rowsRead, 0),
    timeElapsedS: outcomes.reduce((sum, o) => sum + o.timeElapsedS, 0),
    ...(kept.length === 0 ? {} : { batchSizeKept: Math.max(...kept) }),
  };
}
