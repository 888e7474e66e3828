import { convIndex, makePayload, postJson, startVersions, type RunningVersions } from './versions-harness';

/**
 * One anonymous sender must not move other instances' DevOps scores: leaders are the 90th
 * percentile of plausible per-user values (docs/versions.md, "DevOps score").
 */
let svc: RunningVersions;
const clock = { now: new Date('2025-06-10T00:00:00Z') };

beforeAll(async () => {
  svc = await startVersions({}, () => clock.now);
  // Twenty honest instances with 1..20 issues per active user.
  for (let i = 1; i <= 20; i++) {
    const res = await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: `honest-${i}`, activeUsers: 10, counts: { issues: 10 * i, notes: 30 * i } }),
    );
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await svc.close();
});

let week = 0;
/** The victim's next weekly ping, with the same usage each time: its score only moves if the leaders do. */
async function victimScore(): Promise<Record<string, unknown>> {
  week++;
  clock.now = new Date(Date.UTC(2025, 5, 10 + week));
  await svc.versions.refreshLeaderSnapshot();
  const res = await postJson(
    svc.baseUrl,
    '/usage_data',
    makePayload({
      uuid: 'victim',
      activeUsers: 10,
      recordedAt: clock.now.toISOString(),
      counts: { issues: 50, notes: 100 },
    }),
  );
  expect(res.status).toBe(201);
  return convIndex(res.body);
}

describe('DevOps score leaders', () => {
  it('one absurd ping does not move another instance score', async () => {
    await victimScore(); // the first ping is answered with the id only
    const before = await victimScore();
    // 20 others with 1..20 per user: the 90th percentile (nearest rank) is the 18th, 18.
    expect(before.leader_issues).toBe(18);
    expect(before.percentage_issues).toBe(27.78);

    // Accepted (the numbers are within range) but implausible: 10^15 issues per active user.
    const absurd = await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'poisoner', activeUsers: 1, counts: { issues: 1e15, notes: 1e15 } }),
    );
    expect(absurd.status).toBe(201);
    const after = await victimScore();
    const { usage_data_id: _a, ...scoreBefore } = before;
    const { usage_data_id: _b, ...scoreAfter } = after;
    expect(scoreAfter).toEqual(scoreBefore);
  });

  it('refuses the ping of the issue outright (2^53 - 1 users, 1e300 issues)', async () => {
    const res = await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'poisoner-2', activeUsers: 9007199254740991, counts: { issues: 1e300 } }),
    );
    expect(res.status).toBe(422);
  });

  it('a plausible outlier moves the leader by one rank at most, not to its own value', async () => {
    const outlier = await postJson(
      svc.baseUrl,
      '/usage_data',
      makePayload({ uuid: 'outlier', activeUsers: 1, counts: { issues: 9000 } }),
    );
    expect(outlier.status).toBe(201);
    const after = await victimScore();
    // 21 others now: the 19th of them, 19 issues per user.
    expect(after.leader_issues).toBe(19);
    expect(after.percentage_issues).toBe(26.32);
  });
});
