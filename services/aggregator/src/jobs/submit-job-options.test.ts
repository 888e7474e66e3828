import { submitJobId, submitJobOptions } from './submit-job-options';

const uuid = '9a6b1f7e-3c1d-4e0b-8f55-0d3c2b1a0f9e';

describe('submitJobId', () => {
  it('names the payload, not its row: a recreated database reusing row id 1 gets a new job id', () => {
    const before = submitJobId({ uuid, recordedAt: '2026-11-30T10:00:00.000Z' });
    const afterRecreate = submitJobId({
      uuid: '1f0e2d3c-4b5a-4978-8695-a4b3c2d1e0f1',
      recordedAt: '2026-11-30T10:00:00.000Z',
    });
    const nextRun = submitJobId({ uuid, recordedAt: '2026-12-07T10:00:00.000Z' });
    expect(new Set([before, afterRecreate, nextRun]).size).toBe(3);
  });

  it('is the same for the same payload whatever form recorded_at comes in (a re-run aggregate adds nothing)', () => {
    const iso = '2026-11-30T10:00:00.123Z';
    expect(submitJobId({ uuid, recordedAt: iso })).toBe(submitJobId({ uuid, recordedAt: new Date(iso) }));
  });

  it('is a valid BullMQ id: no ":" and not all digits', () => {
    const id = submitJobOptions({ uuid, recordedAt: '2026-11-30T10:00:00Z' }, [1000]).jobId!;
    expect(id).toBe(`submit-${uuid}-${Date.parse('2026-11-30T10:00:00Z')}`);
    expect(id).not.toContain(':');
    expect(id).not.toMatch(/^\d+$/);
  });
});
