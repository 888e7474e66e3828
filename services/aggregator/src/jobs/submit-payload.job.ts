import { UnrecoverableError, type Job } from 'bullmq';
import { errorText, SubmissionError, toWireErrorReport, type JobDataByName } from '@servping/shared';
import type { Logger, RawUsageDataRepository, SettingsRepository } from '@servping/runtime';
import type { VersionsClient } from '../repositories/versions-client.repository';
import { submitJobId } from './submit-job-options';

export interface SubmitPayloadDeps {
  /** The collector's tables, through the part this job uses. */
  rawUsageData: Pick<RawUsageDataRepository, 'find' | 'markSent' | 'recordFailure'>;
  settings: Pick<SettingsRepository, 'get'>;
  /** The Versions client for a base URL (the settings' versions_url unless configuration overrides it). */
  versionsClient: (baseUrl: string) => VersionsClient;
  /** `VERSIONS_URL`, when set. */
  versionsUrlOverride: string | undefined;
  logger: Logger;
  now: () => Date;
}

export type SubmitPayloadOutcome = { usageDataId: number | null; skipped?: 'not stored' | 'collect only' };

/**
 * Sends one stored payload, then its timings (GitLab's `ServicePing::SubmitService`,
 * `app/services/service_ping/submit_service.rb`). On failure
 * it records the attempt on the row, reports the error to Versions (best effort) and throws, so
 * BullMQ retries after the configured delay; a refusal no retry can fix (4xx but 408/429) throws
 * `UnrecoverableError` and the payload stays unsent until the next start re-sends it. Sending
 * twice is safe: Versions answers the same id for the same uuid + recorded_at.
 */
export async function submitPayload(
  job: Job<JobDataByName['submit-payload']>,
  deps: SubmitPayloadDeps,
): Promise<SubmitPayloadOutcome> {
  const { rawUsageDataId } = job.data;
  const log = deps.logger.child({ rawUsageDataId, jobId: job.id, attempt: job.attemptsMade + 1 });
  const row = await deps.rawUsageData.find(rawUsageDataId);
  // A job left from an earlier servping database names a row id the new database reuses for
  // another payload (perhaps a preview's, which must never be sent): the identity must match.
  const uuid = row?.payload.uuid;
  if (!row || typeof uuid !== 'string' || job.id !== submitJobId({ uuid, recordedAt: row.recordedAt })) {
    log.warn('stored payload is gone; nothing to submit');
    return { usageDataId: null, skipped: 'not stored' };
  }
  const settings = await deps.settings.get();
  // The setting is read at send time, not at trigger time: switching to collect-only also stops
  // a payload already on its way (a run triggered before the switch, a retry waiting its delay).
  if (settings.sendMode === 'collect_only') {
    log.info('instance collects only; payload kept unsent');
    return { usageDataId: null, skipped: 'collect only' };
  }
  const versions = deps.versionsClient(deps.versionsUrlOverride ?? settings.versionsUrl);
  const started = deps.now();
  let usageDataId: number | null = null;
  try {
    // A retry after the metadata failed must not count the payload as a new submission.
    if (!row.sentAt) {
      const answer = await versions.postUsageData(row.payload);
      usageDataId = answer.usageDataId;
      await deps.rawUsageData.markSent(rawUsageDataId, answer, deps.now());
      log.info({ usageDataId }, 'payload sent');
    }
    if (row.metadata) await versions.postMetadata(row.metadata);
    return { usageDataId };
  } catch (err) {
    const message = errorText(err);
    const attempts = await deps.rawUsageData.recordFailure(rawUsageDataId, message);
    const failedAt = deps.now();
    // The report names the instance as the payload it failed to deliver does (the run's facts).
    const named = (key: 'uuid' | 'hostname' | 'version') => {
      const value = row.payload[key];
      return typeof value === 'string' ? value : settings[key];
    };
    await versions
      .postError(
        toWireErrorReport({
          time: failedAt,
          uuid: named('uuid'),
          hostname: named('hostname'),
          version: named('version'),
          message,
          elapsedS: (failedAt.getTime() - started.getTime()) / 1000,
        }),
      )
      .catch((reportErr: unknown) => log.debug({ err: reportErr }, 'error report not delivered'));
    const retryable = !(err instanceof SubmissionError) || err.retryable;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!retryable || lastAttempt) {
      log.error(
        { err, attempts },
        'submission given up; the payload stays stored and is re-sent at next start',
      );
    } else {
      log.warn({ err, attempts }, 'submission failed; retry scheduled');
    }
    if (!retryable) throw new UnrecoverableError(message);
    throw err;
  }
}
