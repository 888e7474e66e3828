import type { SeedProgress } from './instance-seed.repository';

/** One human line for a seeding progress event, e.g. `load 1200000/10000000 rows (12%)`. */
export function formatSeedProgress({ phase, done, total }: SeedProgress): string {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  const unit = phase === 'load' ? ' rows' : phase === 'index' ? ' indexes' : '';
  return `${phase} ${done}/${total}${unit} (${percent}%)`;
}

/**
 * A progress sink for `stream`: on a TTY one line rewritten in place (throttled to 10 updates a
 * second), otherwise one plain line per phase start and end so logs stay readable.
 */
export function progressPrinter(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  clockMs: () => number,
): { update: (progress: SeedProgress) => void; finish: () => void } {
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(progress) {
      const line = formatSeedProgress(progress);
      if (stream.isTTY) {
        const now = clockMs();
        if (now - lastDraw < 100 && progress.done !== progress.total) return;
        lastDraw = now;
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else if (progress.done === 0 || progress.done === progress.total) {
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
