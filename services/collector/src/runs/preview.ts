import type { RawUsageDataRepository, RunsRepository } from '@servping/runtime';
import type { RunTrigger } from './run-trigger';

export type PreviewAnswer =
  | { ready: true; runId: string | null; recordedAt: string; payload: Record<string, unknown> }
  | { ready: false; runId: string };

/**
 * The payload exactly as it would be sent, without sending it: the last `submit: false` run's
 * stored payload when it is younger than `maxAgeMinutes`; otherwise a preview run is started (or
 * the preview already running is reused) and the caller polls the run, then asks again.
 */
export class Preview {
  constructor(
    private readonly deps: {
      payloads: RawUsageDataRepository;
      runs: RunsRepository;
      trigger: RunTrigger;
      clock: () => Date;
      maxAgeMinutes: number;
    },
  ) {}

  async get(): Promise<PreviewAnswer> {
    const { deps } = this;
    const since = new Date(deps.clock().getTime() - deps.maxAgeMinutes * 60_000);
    const stored = await deps.payloads.latestPreviewSince(since);
    if (stored) {
      return {
        ready: true,
        runId: stored.runId,
        recordedAt: stored.recordedAt.toISOString(),
        payload: stored.payload,
      };
    }
    const active = await deps.runs.findActive();
    if (active && !active.submit) return { ready: false, runId: active.id };
    const { runId } = await deps.trigger.trigger({ requestedBy: 'api', submit: false });
    return { ready: false, runId };
  }
}
