/**
 * `servping run [--wait] [--no-submit]`: asks the collector to start a run over its admin API, as
 * the dashboard and the weekly schedule do, and optionally follows it until it ends.
 */
import { setTimeout as delay } from 'node:timers/promises';
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

interface RunProgress {
  id: string;
  state: 'planned' | 'running' | 'finished' | 'failed';
  error: string | null;
  metrics: { total: number; done: number; fallbacks: number };
  shards: number;
}

function collectorClient(env: NodeJS.ProcessEnv) {
  const base = (env.COLLECTOR_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const token = env.SERVPING_ADMIN_TOKEN || (env.SERVPING_ADMIN_TOKENS ?? '').split(',')[0]?.trim();
  if (!token) throw new UsageError('set SERVPING_ADMIN_TOKEN (or SERVPING_ADMIN_TOKENS) to an admin token');
  return async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'PRIVATE-TOKEN': token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((err: Error) => {
      throw new Error(
        `cannot reach the collector at ${base}: ${(err.cause as Error | undefined)?.message ?? err.message}`,
      );
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, json };
  };
}

const progressLine = (p: RunProgress) =>
  `${p.id} ${p.state}: ${p.metrics.done}/${p.metrics.total} metrics, ${p.metrics.fallbacks} fallbacks, ${p.shards} shards`;

async function follow(
  call: ReturnType<typeof collectorClient>,
  runId: string,
  io: CommandIo,
  intervalMs: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const { status, json } = await call('GET', `/api/v1/runs/${encodeURIComponent(runId)}`);
    if (status !== 200) throw new Error(`GET run ${runId}: ${status} ${String(json.message ?? '')}`);
    const progress = json as unknown as RunProgress;
    const line = progressLine(progress);
    if (line !== last) io.stdout.write(`${line}\n`);
    last = line;
    if (progress.state === 'finished') return 0;
    if (progress.state === 'failed') {
      io.stderr.write(`run ${runId} failed: ${progress.error ?? 'no reason recorded'}\n`);
      return 1;
    }
    if (Date.now() >= deadline) {
      io.stderr.write(`run ${runId} still ${progress.state} after ${timeoutMs / 1000} s; stopped waiting\n`);
      return 1;
    }
    await delay(intervalMs);
  }
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
    const call = collectorClient(io.env);

    const { status, json } = await call('POST', '/api/v1/runs', {
      submit: !flags['no-submit'],
      requested_by: 'cli',
    });
    if (status !== 202) {
      const problems = Array.isArray(json.problems)
        ? (json.problems as { file: string; field?: string; message: string }[]).map(
            (p) => `\n  ${p.file} ${p.field ?? ''}: ${p.message}`,
          )
        : [];
      const running = status === 409 && json.runId ? ` (running: ${String(json.runId)})` : '';
      io.stderr.write(
        `run not started: ${status} ${String(json.message ?? '')}${running}${problems.join('')}\n`,
      );
      return 1;
    }
    const runId = String(json.runId);
    io.stdout.write(`started ${runId}${flags['no-submit'] ? ' (no submit)' : ''}\n`);
    return flags.wait ? follow(call, runId, io, intervalS * 1000, timeoutS * 1000) : 0;
  },
};
