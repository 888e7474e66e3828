import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import {
  buildPayload,
  DEPRECATED_VALUE,
  errorText,
  isDeferredToAggregator,
  resolveDeferredMetrics,
  toWireTimingsMetadata,
  type JobDataByName,
  type MetricResult,
  type PlannedMetric,
} from '@servping/shared';
import type { Logger, RawUsageDataRepository, RunsRepository } from '@servping/runtime';
import type { RunChildrenRepository } from '../repositories/run-children.repository';
import { submitJobOptions } from './submit-job-options';

export interface AggregateRunDeps {
  children: RunChildrenRepository;
  /** The collector's tables, through the part this job uses. */
  rawUsageData: Pick<RawUsageDataRepository, 'upsert'>;
  runs: Pick<RunsRepository, 'finish'>;
  submitQueue: Queue;
  submitRetryDelaysMs: readonly number[];
  logger: Logger;
}

/** Small on purpose: BullMQ keeps return values in Redis and in its events stream. */
export interface AggregateRunOutcome {
  rawUsageDataId: string;
  metrics: number;
  fallbacks: number;
}

/**
 * Ends a run: merges the children's results with the deferred metrics, builds the payload,
 * stores it (before any network call, so a payload is never lost) and, when the run submits,
 * hands it to a `submit-payload` job. Storing is idempotent on recorded_at, so a second run of
 * this job (a stalled worker) stores the same row and adds no second submit job (its id is the
 * payload's uuid + recorded_at).
 */
export async function aggregateRun(
  job: Job<JobDataByName['aggregate-run']>,
  deps: AggregateRunDeps,
): Promise<AggregateRunOutcome> {
  const { runId, recordedAt, submit, deferred, facts } = job.data;
  const log = deps.logger.child({ runId, jobId: job.id });
  const children = await deps.children.load(job);
  for (const lost of children.unreadable) log.warn(lost, 'metric job unreadable; its metric is not reported');

  const results: MetricResult[] = [
    ...children.results,
    ...resolveDeferredMetrics(deferred, children.results),
    ...deprecatedResults(deferred),
  ];
  let built: ReturnType<typeof buildPayload>;
  try {
    // The planner fixed the facts once for the whole run: the payload's facts are the ones its
    // system metrics reported, whatever changed in the settings since.
    built = buildPayload({
      results,
      facts: facts.instance,
      recordedAt,
      license: facts.license,
      definitions: [...children.metrics, ...deferred],
      permittedCategories: facts.instance.collectedDataCategories,
    });
  } catch (err) {
    // A key_path conflict is in the dictionary: retrying the same run cannot fix it.
    await deps.runs.finish(runId, {
      state: 'failed',
      metricsDone: results.length,
      fallbacks: 0,
      error: errorText(err),
    });
    throw new UnrecoverableError(errorText(err));
  }

  const fallbacks = results.filter((r) => r.error !== undefined).length;
  const rawUsageDataId = await deps.rawUsageData.upsert({
    recordedAt,
    runId,
    payload: built.payload,
    metadata: toWireTimingsMetadata(built.metadata),
  });
  await deps.runs.finish(runId, { state: 'finished', metricsDone: results.length, fallbacks });
  log.info({ rawUsageDataId, metrics: results.length, fallbacks, submit }, 'payload stored');
  if (submit) {
    await deps.submitQueue.add(
      'submit-payload',
      { rawUsageDataId },
      submitJobOptions({ uuid: facts.instance.uuid, recordedAt }, deps.submitRetryDelaysMs),
    );
  }
  return { rawUsageDataId, metrics: results.length, fallbacks };
}

/**
 * Deprecated metrics travel in `deferred` without running (the planner leaves them to the
 * aggregator); those of a deferred kind are already answered by `resolveDeferredMetrics`.
 */
function deprecatedResults(deferred: readonly PlannedMetric[]): MetricResult[] {
  return deferred
    .filter((m) => m.status === 'deprecated' && !isDeferredToAggregator(m.spec))
    .map((m) => ({ keyPath: m.keyPath, value: DEPRECATED_VALUE, timeElapsedS: 0 }));
}
