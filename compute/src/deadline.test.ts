import { withDeadline } from './deadline';

/** A piece of work that finishes only when told to, and records the signal it was given. */
function controllableWork<T>() {
  let finish!: (value: T) => void;
  let seen: AbortSignal | undefined;
  const work = (signal: AbortSignal) => {
    seen = signal;
    return new Promise<T>((resolve) => {
      finish = resolve;
    });
  };
  return { work, finish: (v: T) => finish(v), signal: () => seen };
}

describe('withDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('returns the result when the work finishes in time', async () => {
    const w = controllableWork<number>();
    const result = withDeadline(w.work, undefined, 1000);
    w.finish(7);
    await expect(result).resolves.toBe(7);
    expect(w.signal()?.aborted).toBe(false);
  });

  it('aborts the signal and rejects with "deadline exceeded after N s" even if the work ignores it', async () => {
    const w = controllableWork<number>();
    const result = withDeadline(w.work, undefined, 2500);
    jest.advanceTimersByTime(2499);
    expect(w.signal()?.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    await expect(result).rejects.toMatchObject({
      code: 'SERVPING_QUERY_TIMEOUT',
      message: 'deadline exceeded after 2.5 s',
    });
    expect(w.signal()?.aborted).toBe(true);
  });

  it('follows the parent signal with its reason', async () => {
    const parent = new AbortController();
    const w = controllableWork<number>();
    const result = withDeadline(w.work, parent.signal, undefined);
    parent.abort(new Error('worker closing'));
    await expect(result).rejects.toThrow('worker closing');
    expect(w.signal()?.aborted).toBe(true);
  });

  it('does not start waiting when the parent is already aborted', async () => {
    const parent = new AbortController();
    parent.abort(new Error('cancelled'));
    const w = controllableWork<number>();
    await expect(withDeadline(w.work, parent.signal, 1000)).rejects.toThrow('cancelled');
  });

  it('clears its timer once the work is done', async () => {
    const w = controllableWork<string>();
    const result = withDeadline(w.work, undefined, 1000);
    w.finish('ok');
    await result;
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes a work rejection through', async () => {
    await expect(withDeadline(() => Promise.reject(new Error('boom')), undefined, 1000)).rejects.toThrow(
      'boom',
    );
  });
});
