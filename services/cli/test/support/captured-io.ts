import { Writable } from 'node:stream';
import type { Command } from '../../src/command';
import { runCli } from '../../src/main';

/** A stream that keeps everything written to it, so a test can read a command's output back. */
export function textSink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** What a command run with captured output returned and printed. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `args` with stdout and stderr captured: through `runCli` dispatch, as an operator types
 * them, or straight into `command` when one is given.
 */
export async function runCaptured(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  command?: Command,
): Promise<CapturedRun> {
  const stdout = textSink();
  const stderr = textSink();
  const io = { stdout: stdout.stream, stderr: stderr.stream, env };
  const code = command ? await command.run(args, io) : await runCli(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
