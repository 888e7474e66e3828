import { QueryTimeoutError } from '@servping/shared';

/**
 * Runs `work` with a signal that aborts when `parent` aborts or after `deadlineMs`, whichever comes
 * first, and settles as soon as it aborts even if `work` ignores the signal: a counter that hangs
 * must not hold the metric past its budget. Counters that honour the signal (the database
 * repository cancels its running statement) also release their resources.
 */
export async function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  parent: AbortSignal | undefined,
  deadlineMs: number | undefined,
): Promise<T> {
  const controller = new AbortController();
  const abortFromParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) abortFromParent();
  else parent?.addEventListener('abort', abortFromParent, { once: true });
  const timer =
    deadlineMs !== undefined && Number.isFinite(deadlineMs)
      ? setTimeout(
          () =>
            controller.abort(new QueryTimeoutError(`deadline exceeded after ${formatSeconds(deadlineMs)} s`)),
          deadlineMs,
        )
      : undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(abortReason(controller.signal));
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  const running = work(controller.signal);
  // After an abort wins the race, `running` may still reject (its query was cancelled); that
  // rejection is expected and already reported through `aborted`, so it is observed here.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', abortFromParent);
    if (onAbort) controller.signal.removeEventListener('abort', onAbort);
  }
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** The signal's reason as an Error: every abort here passes one, but a parent signal may carry anything. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`, { cause: reason });
}
