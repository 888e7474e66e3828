/**
 * Runs the seeder's tasks on a few database connections without phase barriers: a table's index
 * builds and ANALYZE start as soon as its last chunk is loaded, while the other connection keeps
 * loading, so both cores stay busy until the end instead of idling at the end of each phase.
 */
export interface SeedTask<W> {
  /** Tasks of one group complete together: `after` waits for every task of the group. */
  group: string;
  /** Groups that must have completed before this task may start. */
  after?: readonly string[];
  /** Restricts the task to the worker at this index (loads that must run in order on one). */
  worker?: number;
  run: (worker: W) => Promise<void>;
}

/**
 * Runs `tasks` on `workers`. A free worker takes the first task, in array order, that it may run
 * and whose `after` groups are complete, so the order of `tasks` is the priority. On the first
 * failure no further task starts; the promise rejects with that error once running tasks end.
 */
export async function runSeedTasks<W>(workers: readonly W[], tasks: readonly SeedTask<W>[]): Promise<void> {
  const left = new Map<string, number>();
  for (const task of tasks) left.set(task.group, (left.get(task.group) ?? 0) + 1);
  for (const task of tasks) {
    const unknown = task.after?.find((group) => !left.has(group));
    if (unknown !== undefined) throw new Error(`task of ${task.group} waits for unknown group ${unknown}`);
  }
  const pending = [...tasks];
  let running = 0;
  let failure: { error: unknown } | undefined;
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };

  const nextFor = (index: number): SeedTask<W> | undefined => {
    const at = pending.findIndex(
      (task) =>
        (task.worker === undefined || task.worker === index) &&
        (task.after ?? []).every((group) => left.get(group) === 0),
    );
    return at < 0 ? undefined : pending.splice(at, 1)[0];
  };

  await Promise.all(
    workers.map(async (worker, index) => {
      while (!failure && pending.length > 0) {
        const task = nextFor(index);
        if (!task) {
          if (running === 0 && !pending.some((t) => t.worker === undefined || t.worker === index)) return;
          if (running === 0) {
            failure ??= { error: new Error(`seed tasks wait on each other: ${pending[0]?.group}`) };
            notify();
            return;
          }
          await changed;
          continue;
        }
        running++;
        try {
          await task.run(worker);
          left.set(task.group, (left.get(task.group) ?? 1) - 1);
        } catch (error) {
          failure ??= { error };
        } finally {
          running--;
          notify();
        }
      }
    }),
  );
  if (failure) throw failure.error;
}
