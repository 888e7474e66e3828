import type { Queue } from 'bullmq';
import type { Logger, RawUsageDataRepository, SettingsRepository } from '@servping/runtime';
import { submitJobOptions } from './submit-job-options';

/**
 * At start, gives every stored-but-unsent payload a submit job, so a payload outlives Versions
 * outages, exhausted retries and restarts. A retry already waiting out its delay is sent now
 * (a restart is usually the fix); a finished submit job of an unsent row (given up) is replaced;
 * a job waiting or running is left alone. Nothing is queued while the instance collects only.
 * Returns how many payloads were (re)queued.
 */
export async function enqueueUnsentPayloads(deps: {
  rawUsageData: Pick<RawUsageDataRepository, 'listUnsent'>;
  settings: Pick<SettingsRepository, 'get'>;
  submitQueue: Queue;
  retryDelaysMs: readonly number[];
  logger: Logger;
}): Promise<number> {
  const unsent = await deps.rawUsageData.listUnsent();
  // The settings row is read only when there is something to send: an aggregator may start
  // before the collector has created it.
  if (unsent.length === 0 || (await deps.settings.get()).sendMode === 'collect_only') return 0;
  let queued = 0;
  for (const { id, ...identity } of unsent) {
    const options = submitJobOptions(identity, deps.retryDelaysMs);
    const existing = await deps.submitQueue.getJob(options.jobId as string);
    const state = existing ? await existing.getState() : 'missing';
    if (existing && state === 'delayed') {
      await existing.promote();
    } else if (existing && (state === 'completed' || state === 'failed')) {
      await existing.remove();
      await deps.submitQueue.add('submit-payload', { rawUsageDataId: id }, options);
    } else if (!existing) {
      await deps.submitQueue.add('submit-payload', { rawUsageDataId: id }, options);
    } else {
      continue;
    }
    queued += 1;
  }
  if (queued > 0) deps.logger.info({ queued }, 'unsent payloads queued for submission');
  return queued;
}
