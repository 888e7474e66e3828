import { expect } from '@jest/globals';
import pino from 'pino';
import { closeWorkersWithin, runWorkers, stopWorkers, type QueueWorker } from './worker-lifecycle';

/** A worker whose graceful close finishes only when `finishJobs()` is called or it is forced. */
function fakeWorker(events: string[], name: string) {
  let release: () => void = () => undefined;
  const jobsDone = new Promise<void>((resolve) => (release = resolve));
  const worker: QueueWorker = {
    run: () => Promise.resolve(),
    close: async (force = false) => {
      events.push(`${name}.close(${force})`);
      if (force) release();
      await jobsDone;
    },
  };
  return { worker, finishJobs: () => release() };
}

describe('closeWorkersWithin', () => {
  it('waits for running jobs and never forces a close that finishes within the budget', async () => {
    const events: string[] = [];
    const a = fakeWorker(events, 'a');
    const closing = closeWorkersWithin([a.worker], 60_000, () => events.push('overrun'));
    a.finishJobs();
    await closing;
    expect(events).toEqual(['a.close(false)']);
  });

  it('past the budget calls onOverrun once, then force-closes every worker', async () => {
    const events: string[] = [];
    const a = fakeWorker(events, 'a');
    const b = fakeWorker(events, 'b');
    await closeWorkersWithin([a.worker, b.worker], 5, () => events.push('overrun'));
    expect(events).toEqual(['a.close(false)', 'b.close(false)', 'overrun', 'a.close(true)', 'b.close(true)']);
  });
});

describe('closeWorkersWithin when even a forced close hangs (Redis unreachable)', () => {
  it('gives up after a second budget and answers false, so the caller can drop its connections', async () => {
    const events: string[] = [];
    const stuck: QueueWorker = {
      run: () => Promise.resolve(),
      close: (force = false) => {
        events.push(`close(${force})`);
        return new Promise<void>(() => undefined);
      },
    };
    await expect(closeWorkersWithin([stuck], 5, () => events.push('overrun'))).resolves.toBe(false);
    expect(events).toEqual(['close(false)', 'overrun', 'close(true)']);
  });

  it('answers true when the workers closed', async () => {
    const a = fakeWorker([], 'a');
    const closing = closeWorkersWithin([a.worker], 60_000);
    a.finishJobs();
    await expect(closing).resolves.toBe(true);
  });
});

describe('stopWorkers', () => {
  const silent = pino({ level: 'silent' });
  const connection = (events: string[], name: string) => ({
    quit: () => Promise.resolve(events.push(`${name}.quit`)),
    disconnect: () => events.push(`${name}.disconnect`),
  });

  it('closes workers, then dependents, then quits the connections', async () => {
    const events: string[] = [];
    const a = fakeWorker(events, 'a');
    a.finishJobs();
    await stopWorkers({
      workers: [a.worker],
      running: Promise.resolve(),
      timeoutMs: 60_000,
      dependents: [{ close: () => Promise.resolve(events.push('queue.close')) }],
      connections: [connection(events, 'redis')],
      logger: silent,
    });
    expect(events).toEqual(['a.close(false)', 'queue.close', 'redis.quit']);
  });

  it('drops the connections without quitting when even the forced close hangs', async () => {
    const events: string[] = [];
    const stuck: QueueWorker = {
      run: () => Promise.resolve(),
      close: () => new Promise<void>(() => undefined),
    };
    await stopWorkers({
      workers: [stuck],
      running: new Promise<void>(() => undefined),
      timeoutMs: 5,
      dependents: [{ close: () => Promise.resolve(events.push('queue.close')) }],
      connections: [connection(events, 'redis')],
      logger: silent,
    });
    expect(events).toEqual(['redis.disconnect']);
  });
});

describe('runWorkers', () => {
  it('logs a loop that ends with an error and resolves once every loop has ended', async () => {
    const lines: string[] = [];
    const logger = pino({ base: null, timestamp: false }, { write: (line: string) => lines.push(line) });
    const workers: QueueWorker[] = [
      { run: () => Promise.resolve(), close: () => Promise.resolve() },
      { run: () => Promise.reject(new Error('connection lost')), close: () => Promise.resolve() },
    ];
    await expect(runWorkers(workers, logger)).resolves.toBeUndefined();
    expect(lines.map((line) => JSON.parse(line) as { msg: string; err: { message: string } })).toEqual([
      expect.objectContaining({
        msg: 'worker stopped with an error',
        err: expect.objectContaining({ message: 'connection lost' }),
      }),
    ]);
  });
});
