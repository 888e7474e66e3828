import { StatementTimer } from './statement-timer';

describe('StatementTimer', () => {
  it('keeps count, total and the longest statement with its metric', async () => {
    const ticks = [0, 5, 10, 40, 50, 52];
    const timer = new StatementTimer(() => ticks.shift() ?? 0);
    timer.currentMetric = 'counts.a';
    await timer.time('SELECT   1', () => Promise.resolve(1));
    timer.currentMetric = 'counts.b';
    await timer.time('SELECT\n2', () => Promise.resolve(2));
    await expect(timer.time('SELECT 3', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(timer.snapshot()).toEqual({
      count: 3,
      totalMs: 37,
      longestMs: 30,
      longestSql: 'SELECT 2',
      longestMetric: 'counts.b',
    });
  });

  it('truncates the recorded SQL to 300 characters', () => {
    const timer = new StatementTimer(() => 0);
    timer.record(`SELECT ${'x'.repeat(400)}`, 1);
    expect(timer.snapshot().longestSql).toHaveLength(300);
  });
});
