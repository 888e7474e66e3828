import { scheduleCron } from './schedule-cron';

describe('scheduleCron', () => {
  // Expected values computed independently with Python:
  // int(hashlib.sha256((uuid + "minute").encode()).hexdigest(), 16) % 60, "hour" % 24, uuid % 7.
  it.each([
    ['uuid-not-set', '4 7 * * 4'],
    ['0b4b3c9c-2f7e-4a5f-9a58-1d1c9e3b7a11', '50 20 * * 1'],
    ['00000000-0000-0000-0000-000000000000', '32 1 * * 0'],
  ])('derives minute, hour and day of week of %s', (uuid, cron) => {
    expect(scheduleCron(uuid)).toBe(cron);
  });

  it.each([[null], [undefined], ['']])('falls back to GitLab\'s "uuid-not-set" for %p', (uuid) => {
    expect(scheduleCron(uuid)).toBe('4 7 * * 4');
  });
});
