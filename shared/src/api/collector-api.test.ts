import { isRunOver, progressLine, type RunView } from './collector-api';

const view = (
  over: Partial<RunView> = {},
): Pick<RunView, 'id' | 'state' | 'metrics' | 'shards' | 'submission'> => ({
  id: 'run-7',
  state: 'running',
  metrics: { total: 120, done: 45, fallbacks: 2, pending: 75 },
  shards: 3,
  submission: null,
  ...over,
});

describe('progressLine', () => {
  it('names the run, its state and counts', () => {
    expect(progressLine(view())).toBe('run-7 running: 45/120 metrics, 2 fallbacks, 3 shards');
  });

  it('puts a bar in front when asked, full once every metric is done, never past full', () => {
    expect(progressLine(view(), { bar: 8 })).toBe(
      '[###-----] run-7 running: 45/120 metrics, 2 fallbacks, 3 shards',
    );
    const over = view({ metrics: { total: 2, done: 3, fallbacks: 0, pending: 0 } });
    expect(progressLine(over, { bar: 4 }).startsWith('[####] ')).toBe(true);
    const empty = view({ metrics: { total: 0, done: 0, fallbacks: 0, pending: 0 } });
    expect(progressLine(empty, { bar: 4 }).startsWith('[----] ')).toBe(true);
  });
});

describe('isRunOver', () => {
  const sent = { sentAt: '2026-12-06T00:00:00Z', usageDataId: 1, attempts: 1, lastError: null };
  const refused = { sentAt: null, usageDataId: null, attempts: 1, lastError: 'Versions answered 503' };
  const queued = { sentAt: null, usageDataId: null, attempts: 0, lastError: null };

  it.each<[string, Partial<RunView>, boolean, boolean]>([
    ['a running run', { state: 'running' }, false, false],
    ['a failed run', { state: 'failed' }, true, true],
    ['a finished run that does not submit', { state: 'finished' }, false, true],
    ['a finished run not yet sent', { state: 'finished', submission: queued }, true, false],
    ['a finished run sent', { state: 'finished', submission: sent }, true, true],
    ['a finished run whose first attempt failed', { state: 'finished', submission: refused }, true, true],
  ])('%s', (_name, over, submit, expected) => {
    expect(isRunOver(view(over), submit)).toBe(expected);
  });
});
