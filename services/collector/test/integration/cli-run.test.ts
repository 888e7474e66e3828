import { Writable } from 'node:stream';
import { runCommand } from '../../../cli/src/commands/run';
import { ADMIN_TOKEN, startHarness, type Harness } from './collector-harness';

let h: Harness;

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function cli(args: string[], token = ADMIN_TOKEN) {
  const out = capture();
  const err = capture();
  const code = await runCommand.run(args, {
    stdout: out.stream,
    stderr: err.stream,
    env: { COLLECTOR_URL: h.baseUrl, SERVPING_ADMIN_TOKEN: token },
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

beforeAll(async () => {
  h = await startHarness('cli', { SERVPING_SCHEDULE_ENABLED: 'false' });
  await h.writeDefinition('counts_all/views.yml', {
    key_path: 'counts.views',
    data_source: 'redis',
    instrumentation_class: 'RedisMetric',
    options: { event: `views_${h.suffix}`, prefix: null },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('servping run', () => {
  it('starts a run with --no-submit, and a second one is refused naming the running run', async () => {
    const first = await cli(['--no-submit']);
    expect(first.code).toBe(0);
    const runId = /started (run-\d+) \(no submit\)/.exec(first.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(await h.collector.runs.get(runId as string)).toMatchObject({ submit: false, requestedBy: 'cli' });

    const second = await cli([]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`409 a run is already in progress: ${runId}`);
    expect(await h.waitForRunJob(runId as string)).toBe('completed');
    await h.sql.query(`UPDATE runs SET state = 'finished' WHERE id = $1`, [runId]);
  });

  it('--wait follows the run to its end and exits 1 when it fails', async () => {
    const waiting = cli(['--wait', '--interval', '0.02']);
    // Play the aggregator: once the planner enqueued the flow, end the run as failed.
    const runId = await new Promise<string>((resolve) => {
      h.queueEvents.on('completed', ({ jobId }) => jobId.startsWith('run-') && resolve(jobId));
    });
    await h.sql.query(`UPDATE runs SET state = 'failed', error = 'aggregator exploded' WHERE id = $1`, [
      runId,
    ]);
    const result = await waiting;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`started ${runId}`);
    expect(result.stdout).toMatch(new RegExp(`${runId} (planned|running|failed): \\d/1 metrics`));
    expect(result.stderr).toContain(`run ${runId} failed: aggregator exploded`);
  });

  it('exits 1 with the status for a wrong token', async () => {
    const result = await cli([], 'wrong');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('401');
  });
});
