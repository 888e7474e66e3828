import { runSeedTasks, type SeedTask } from './seed-schedule';

/** A task that logs its start and end and finishes when the test says so. */
function gated(log: string[], name: string, group: string, extra: Partial<SeedTask<string>> = {}) {
  let finish: (error?: Error) => void = () => undefined;
  const started = new Promise<void>((startedResolve) => {
    extra.run = (worker) => {
      log.push(`${worker} start ${name}`);
      startedResolve();
      return new Promise<void>((resolve, reject) => {
        finish = (error) => {
          log.push(`${worker} end ${name}`);
          if (error) reject(error);
          else resolve();
        };
      });
    };
  });
  const task: SeedTask<string> = { group, run: extra.run!, ...extra };
  return { task, started, finish: (error?: Error) => finish(error) };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runSeedTasks', () => {
  it("starts a group's follow-up as soon as the group completes, ahead of later loads", async () => {
    const log: string[] = [];
    const index = gated(log, 'index a', 'index', { after: ['load a'] });
    const a1 = gated(log, 'a1', 'load a');
    const a2 = gated(log, 'a2', 'load a');
    const b1 = gated(log, 'b1', 'load b');
    const done = runSeedTasks(['w0', 'w1'], [index.task, a1.task, a2.task, b1.task]);
    await Promise.all([a1.started, a2.started]);
    a1.finish();
    await b1.started; // a2 still runs: the index must wait
    a2.finish();
    await index.started;
    index.finish();
    b1.finish();
    await done;
    expect(log).toEqual([
      'w0 start a1',
      'w1 start a2',
      'w0 end a1',
      'w0 start b1',
      'w1 end a2',
      'w1 start index a',
      'w1 end index a',
      'w0 end b1',
    ]);
  });

  it('keeps a task restricted to one worker on that worker, in order', async () => {
    const seen: string[] = [];
    const tasks: SeedTask<string>[] = ['a', 'b', 'c'].map((name) => ({
      group: name,
      worker: 0,
      run: async (worker) => {
        seen.push(`${worker} ${name}`);
        await tick();
      },
    }));
    await runSeedTasks(['w0', 'w1'], tasks);
    expect(seen).toEqual(['w0 a', 'w0 b', 'w0 c']);
  });

  it('starts nothing after a failure and rejects with it once the running task ends', async () => {
    const log: string[] = [];
    const bad = gated(log, 'bad', 'x');
    const slow = gated(log, 'slow', 'y');
    const never = gated(log, 'never', 'z');
    const done = runSeedTasks(['w0', 'w1'], [bad.task, slow.task, never.task]);
    await Promise.all([bad.started, slow.started]);
    bad.finish(new Error('boom'));
    await tick();
    slow.finish();
    await expect(done).rejects.toThrow('boom');
    expect(log).toEqual(['w0 start bad', 'w1 start slow', 'w0 end bad', 'w1 end slow']);
  });

  it.each([
    [[{ group: 'a', after: ['missing'], run: () => Promise.resolve() }], 'waits for unknown group missing'],
    [
      [
        { group: 'a', after: ['b'], run: () => Promise.resolve() },
        { group: 'b', after: ['a'], run: () => Promise.resolve() },
      ],
      'seed tasks wait on each other: a',
    ],
  ])('refuses tasks that can never run (%#)', async (tasks, message) => {
    await expect(runSeedTasks(['w0'], tasks)).rejects.toThrow(message);
  });
});
