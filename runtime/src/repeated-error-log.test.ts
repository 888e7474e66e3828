import { repeatedErrorLog } from './repeated-error-log';

function recorder() {
  const lines: Array<{ repeats: number; message: string; error: string }> = [];
  const logger = {
    warn: (fields: { err: Error; repeats: number }, message: string) => {
      lines.push({ repeats: fields.repeats, message, error: fields.err.message });
    },
  };
  return { lines, logger: logger as never };
}

describe('repeatedErrorLog', () => {
  it('logs the first error at once, counts repeats within the interval, and reports them on the next line', () => {
    const { lines, logger } = recorder();
    let clock = 0;
    const onError = repeatedErrorLog(logger, 'redis error', { intervalMs: 1000, now: () => clock });
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    for (let i = 0; i < 18; i += 1) {
      onError(refused);
      clock += 50;
    }
    expect(lines).toEqual([{ repeats: 0, message: 'redis error', error: refused.message }]);
    clock = 1000;
    onError(refused);
    expect(lines.at(-1)).toEqual({ repeats: 17, message: 'redis error', error: refused.message });
  });

  it('tracks each message on its own', () => {
    const { lines, logger } = recorder();
    const onError = repeatedErrorLog(logger, 'worker error', { intervalMs: 1000, now: () => 0 });
    onError(new Error('a'));
    onError(new Error('b'));
    onError(new Error('a'));
    expect(lines.map((l) => l.error)).toEqual(['a', 'b']);
  });

  it('keeps logging new messages when more distinct ones arrive than it remembers', () => {
    const { lines, logger } = recorder();
    const onError = repeatedErrorLog(logger, 'worker error', { intervalMs: 1000, now: () => 0 });
    for (let i = 0; i < 250; i += 1) onError(new Error(`e${i}`));
    expect(lines).toHaveLength(250);
  });
});
