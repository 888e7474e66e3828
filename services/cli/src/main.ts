#!/usr/bin/env node
/**
 * `servping`: the operator's command line. Every sub-command is one entry of `COMMANDS`; to add
 * one, import it and append it to the table. Nothing runs at import time: the process entry at
 * the bottom only fires when this file is the program, so tests can import `runCli`.
 */
import { UsageError, type Command, type CommandIo } from './command';
import { benchCommand } from './commands/bench';
import { definitionsValidateCommand } from './commands/definitions-validate';
import { demoRunCommand } from './commands/demo-run';
import { demoSeedCommand } from './commands/demo-seed';
import { demoTruthCommand } from './commands/demo-truth';
import { metricsComputeCommand } from './commands/metrics-compute';
import { runCommand } from './commands/run';
import { uploadCommand } from './commands/upload';

export const COMMANDS: Command[] = [
  definitionsValidateCommand,
  demoRunCommand,
  demoSeedCommand,
  demoTruthCommand,
  metricsComputeCommand,
  runCommand,
  uploadCommand,
  benchCommand,
];

/** The command whose name is the longest prefix of `words`, or undefined. */
export function findCommand(
  commands: readonly Command[],
  words: readonly string[],
): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  let bestLength = 0;
  for (const command of commands) {
    const nameWords = command.name.split(' ');
    const matches = nameWords.length <= words.length && nameWords.every((w, i) => words[i] === w);
    if (matches && nameWords.length > bestLength) {
      best = command;
      bestLength = nameWords.length;
    }
  }
  return best ? { command: best, rest: words.slice(bestLength) } : undefined;
}

export function helpText(commands: readonly Command[]): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: servping <command> [args] [--help]',
    '',
    'commands:',
    ...(lines.length > 0 ? lines : ['  (none)']),
    '',
  ].join('\n');
}

const isHelpFlag = (arg: string) => arg === '--help' || arg === '-h';

/** Runs one invocation and resolves to its exit code: 0 ok, 1 failure, 2 usage error. */
export async function runCli(
  argv: readonly string[],
  io: CommandIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const first = argv[0];
  if (first === undefined || isHelpFlag(first) || first === 'help') {
    const topic = first === 'help' ? findCommand(commands, argv.slice(1)) : undefined;
    io.stdout.write(topic ? `${topic.command.usage.trimEnd()}\n` : helpText(commands));
    return 0;
  }
  const found = findCommand(commands, argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(`${first} `));
    io.stderr.write(`servping: unknown command "${argv.join(' ')}"\n\n`);
    io.stderr.write(helpText(group.length > 0 ? group : commands));
    return 2;
  }
  const { command, rest } = found;
  if (rest.some(isHelpFlag)) {
    io.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`servping ${command.name}: ${err.message}\n\n${command.usage.trimEnd()}\n`);
      return 2;
    }
    io.stderr.write(`servping ${command.name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  // exitCode rather than process.exit(): lets buffered stdout drain before the process ends.
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`servping: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
