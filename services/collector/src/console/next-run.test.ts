import { scheduleCron } from '@servping/shared';
import { nextScheduledRun } from './next-run';

describe('nextScheduledRun', () => {
  it('is the first time after now that matches the uuid cron, followed by the splay window', () => {
    const uuid = '8a5e0f7c-3b1d-4e52-9f3a-0c6b2d7e4a19';
    const [minute, hour, , , day] = scheduleCron(uuid).split(' ').map(Number);
    const now = new Date('2026-12-04T12:00:00Z');
    const next = nextScheduledRun(uuid, 60, now);
    expect(next.cron).toBe(scheduleCron(uuid));
    expect(next.earliest.getUTCDay()).toBe(day);
    expect(next.earliest.getUTCHours()).toBe(hour);
    expect(next.earliest.getUTCMinutes()).toBe(minute);
    expect(next.earliest.getTime()).toBeGreaterThan(now.getTime());
    expect(next.earliest.getTime() - now.getTime()).toBeLessThanOrEqual(7 * 86_400_000);
    expect(next.latest.getTime() - next.earliest.getTime()).toBe(60_000);
  });

  it('moves a whole week on when asked exactly at the firing minute', () => {
    const uuid = 'uuid-for-a-week';
    const first = nextScheduledRun(uuid, 0, new Date('2026-12-04T12:00:00Z'));
    const second = nextScheduledRun(uuid, 0, first.earliest);
    expect(second.earliest.getTime() - first.earliest.getTime()).toBe(7 * 86_400_000);
  });
});
