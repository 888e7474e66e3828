import { ServpingError } from '@servping/shared';

/** A run was asked for while service ping is disabled in the settings row; nothing was recorded. */
export class ServicePingDisabledError extends ServpingError {
  constructor() {
    super('SERVPING_DISABLED', 'service ping is disabled on this instance; no run was started');
  }
}

/** Another run is active (or its job still holds the deduplication id); `runId` is that run's, when known. */
export class RunAlreadyInProgressError extends ServpingError {
  constructor(readonly runId: string | undefined) {
    super('SERVPING_RUN_IN_PROGRESS', `a run is already in progress${runId ? `: ${runId}` : ''}`);
  }
}
