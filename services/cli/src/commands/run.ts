/**
 * `servping run [--wait] [--no-submit]`: asks the collector to start a run over its admin API, as
 * the dashboard and the weekly schedule do, and optionally follows it until it ends.
 */
import { progressLine, type RunView } from '@servping/shared';
import { CollectorClient, RunNotStartedError } from '@servping/runtime';
import { parseFlags, UsageError, type Command, type CommandIo } from '../command';

const USAGE = `usage: servping run [--wait] [--no-submit] [--interval <s>] [--timeout <s>]

Starts a Service Ping run on the collector (POST /api/v1/runs) and prints its id.
  --wait          follow the run (GET /api/v1/runs/:id) and print its progress;
                  exit 0 when it finishes, 1 when it fails
  --no-submit     store the payload without sending it to Versions (a preview)
  --interval <s>  seconds between progress polls (default 1)
  --timeout <s>   give up waiting after this many seconds (default 3600)

Environment: COLLECTOR_URL (default http://127.0.0.1:3000) and an admin token in
SERVPING_ADMIN_TOKEN, or the first of SERVPING_ADMIN_TOKENS.`;

function collectorClient(env: NodeJS.ProcessEnv): CollectorClient {
  const token = env.SERVPING_ADMIN_TOKEN || (env.SERVPING_ADMIN_TOKENS ?? '').split(',')[0]?.trim();
  if (!token) throw new UsageError('set SERVPING_ADMIN_TOKEN (or SERVPING_ADMIN_TOKENS) to an admin token');
  return new CollectorClient(env.COLLECTOR_URL || 'http://127.0.0.1:3000', token);
}

/** The refusal as one line, with the running run (409) or the dictionary's problems (400). */
function refusal(error: RunNotStartedError): string {
  const running = error.status === 409 && error.runningId ? ` (running: ${error.runningId})` : '';
  const problems = error.problems.map((p) => `\n  ${p.file} ${p.field ?? ''}: ${p.message}`);
  return `${error.message}${running}${problems.join('')}`;
}

async function follow(
  client: CollectorClient,
  runId: string,
  io: CommandIo,
  intervalMs: number,
  timeoutMs: number,
): Promise<number> {
  let last = '';
  let view: RunView;
  try {
    // Follows until the run is stored: delivery to Versions is the aggregator's, with its own retries.
    view = await client.waitForRun(runId, {
      submit: false,
      timeoutMs,
      intervalMs,
      onProgress: (progress) => {
        const line = progressLine(progress);
        if (line !== last) io.stdout.write(`${line}\n`);
        last = line;
      },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  if (view.state === 'finished') return 0;
  io.stderr.write(`run ${runId} failed: ${view.error ?? 'no reason recorded'}\n`);
  return 1;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'start a Service Ping run on the collector (--wait to follow it)',
  usage: USAGE,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, {
      wait: { type: 'boolean' },
      'no-submit': { type: 'boolean' },
      interval: { type: 'number' },
      timeout: { type: 'number' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const intervalS = flags.interval ?? 1;
    const timeoutS = flags.timeout ?? 3600;
    if (intervalS <= 0 || timeoutS <= 0) throw new UsageError('--interval and --timeout must be positive');
    const client = collectorClient(io.env);

    let runId: string;
    try {
      runId = await client.trigger({ submit: !flags['no-submit'], requestedBy: 'cli' });
    } catch (error) {
      if (!(error instanceof RunNotStartedError)) throw error;
      io.stderr.write(`${refusal(error)}\n`);
      return 1;
    }
    io.stdout.write(`started ${runId}${flags['no-submit'] ? ' (no submit)' : ''}\n`);
    return flags.wait ? follow(client, runId, io, intervalS * 1000, timeoutS * 1000) : 0;
  },
};
