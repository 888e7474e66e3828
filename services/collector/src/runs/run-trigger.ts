import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { DefinitionError, JOB_QUEUE, type JobDataByName, type RequestedBy } from '@servping/shared';
import type { RunsRepository, SettingsRepository } from '@servping/runtime';
import type { DictionarySource } from '../dictionary/dictionary-source';
import type { CollectorMetrics, TriggerOutcome } from '../observability/collector-metrics';
import { RunAlreadyInProgressError, ServicePingDisabledError } from './run-errors';

/** BullMQ deduplication id of run jobs: while one is waiting, delayed or planning, another is dropped. */
export const RUN_DEDUPLICATION_ID = 'service-ping';

export interface TriggerRequest {
  requestedBy: RequestedBy;
  submit: boolean;
  /** Delay before planning starts (the schedule's random splay). */
  delayMs?: number;
}

export interface RunTriggerDeps {
  runs: RunsRepository;
  settings: SettingsRepository;
  dictionary: DictionarySource;
  runsQueue: Queue;
  clock: () => Date;
  runTimeoutS: number;
  retentionS: number;
  metrics: CollectorMetrics;
  logger: Logger;
}

export const newRunId = (at: Date): string => `run-${at.getTime()}`;

/**
 * Starts a run, whoever asks: validates the dictionary (so the caller hears about a broken one
 * now), refuses on a disabled instance, records the run (the one-active-run index makes
 * concurrent triggers yield one run) and enqueues its `trigger-run` job under the run id. While
 * the instance collects only, a run asked to submit is recorded as `collect_only` and does not
 * submit: its payload is stored for download and never sent.
 */
export class RunTrigger {
  constructor(private readonly deps: RunTriggerDeps) {}

  async trigger(request: TriggerRequest): Promise<{ runId: string; submit: boolean }> {
    const { deps } = this;
    const count = (outcome: TriggerOutcome) =>
      deps.metrics.triggers.inc({ source: request.requestedBy, outcome });
    try {
      await deps.dictionary();
    } catch (err) {
      if (err instanceof DefinitionError) count('invalid_dictionary');
      throw err;
    }
    const settings = await deps.settings.get();
    if (!settings.enabled) {
      count('disabled');
      throw new ServicePingDisabledError();
    }
    const abandoned = await deps.runs.failAbandoned(deps.runTimeoutS);
    if (abandoned.length > 0) deps.logger.warn({ abandoned }, 'marked abandoned runs failed');

    const runId = newRunId(deps.clock());
    const collectOnly = request.submit && settings.sendMode === 'collect_only';
    const submit = request.submit && !collectOnly;
    const created = await deps.runs.create({
      id: runId,
      requestedBy: request.requestedBy,
      submit,
      collectOnly,
    });
    if (!created.created) {
      count('already_running');
      throw new RunAlreadyInProgressError(created.active?.id);
    }
    const data: JobDataByName['trigger-run'] = { requestedBy: request.requestedBy, submit };
    const job = await deps.runsQueue.add('trigger-run', data, {
      jobId: runId,
      deduplication: { id: RUN_DEDUPLICATION_ID },
      delay: request.delayMs ?? 0,
      removeOnComplete: { age: deps.retentionS },
      removeOnFail: { age: deps.retentionS },
    });
    if (job.id !== runId) {
      // Another run job still holds the deduplication id: this trigger is the duplicate.
      await deps.runs.remove(runId);
      count('already_running');
      throw new RunAlreadyInProgressError(job.id);
    }
    count('started');
    deps.logger.info({ runId, requestedBy: request.requestedBy, submit, collectOnly }, 'run triggered');
    return { runId, submit };
  }
}

/** The queue run jobs go to, from the pipeline contract. */
export const RUNS_QUEUE = JOB_QUEUE['trigger-run'];
