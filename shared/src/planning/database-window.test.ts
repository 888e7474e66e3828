import { databaseWindow } from './database-window';
import type { TimeFrame } from '../definitions/types';

describe('databaseWindow', () => {
  const recordedAt = new Date('2024-03-15T12:34:56.789Z');
  const cases: Array<[TimeFrame, { from: string; to: string } | null]> = [
    ['28d', { from: '2024-02-14T12:34:56.789Z', to: '2024-03-13T12:34:56.789Z' }],
    ['7d', { from: '2024-03-06T12:34:56.789Z', to: '2024-03-13T12:34:56.789Z' }],
    ['all', null],
    ['none', null],
  ];
  it.each(cases)('%s window derives from the run clock only', (timeFrame, expected) => {
    const window = databaseWindow(recordedAt, timeFrame);
    expect(window && { from: window.from.toISOString(), to: window.to.toISOString() }).toEqual(expected);
  });

  it('crosses a year boundary by exact days', () => {
    const window = databaseWindow(new Date('2024-01-05T00:00:00Z'), '28d');
    expect(window?.from.toISOString()).toBe('2023-12-06T00:00:00.000Z');
    expect(window?.to.toISOString()).toBe('2024-01-03T00:00:00.000Z');
  });
});
