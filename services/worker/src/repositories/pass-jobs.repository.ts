import { Job, type Queue } from 'bullmq';
import type { PassOutcomeWire } from '../jobs/compute-pass.job';
import type { ReadPass } from '../jobs/pass-member';

/**
 * Reads a pass job's state on `queue` (the pass queue): `done` with its outcome once completed,
 * `gone` once it failed for good or was removed (its members then walk alone), `pending` before.
 * The state is read before the job, so a pass that completes in between is read as pending and
 * looked at again, never as completed without its outcome.
 */
export function passJobReader(queue: Queue): ReadPass {
  return async (jobId) => {
    const state = await queue.getJobState(jobId);
    if (state === 'completed') {
      const job = await Job.fromId<unknown, PassOutcomeWire>(queue, jobId);
      if (job?.returnvalue) return { state: 'done', outcome: job.returnvalue };
      return { state: 'gone', reason: `pass job ${jobId} has no result` };
    }
    if (state === 'failed') return { state: 'gone', reason: `pass job ${jobId} failed` };
    if (state === 'unknown') return { state: 'gone', reason: `pass job ${jobId} not found` };
    return { state: 'pending' };
  };
}
