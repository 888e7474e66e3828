import { Writable } from 'node:stream';
import { parseFlags, UsageError, type Command } from './command';
import { findCommand, runCli } from './main';

const SPEC = {
  dir: { type: 'string' },
  port: { type: 'number' },
  verbose: { type: 'boolean' },
  tag: { type: 'string', multiple: true },
} as const;

describe('parseFlags', () => {
  it.each([
    [['--dir', 'a', 'x'], { dir: 'a', port: undefined, verbose: false, tag: [] }, ['x']],
    [['--dir=a=b', '--port=8080'], { dir: 'a=b', port: 8080, verbose: false, tag: [] }, []],
    [
      ['--verbose', 'x', '--tag', 'a', '--tag=b'],
      { dir: undefined, port: undefined, verbose: true, tag: ['a', 'b'] },
      ['x'],
    ],
    [['--verbose=false'], { dir: undefined, port: undefined, verbose: false, tag: [] }, []],
    [['--verbose', '--no-verbose'], { dir: undefined, port: undefined, verbose: false, tag: [] }, []],
    [
      ['x', '--', '--dir', 'y'],
      { dir: undefined, port: undefined, verbose: false, tag: [] },
      ['x', '--dir', 'y'],
    ],
    [['--dir', 'a', '--dir', 'b'], { dir: 'b', port: undefined, verbose: false, tag: [] }, []],
  ])('%j', (args, flags, positionals) => {
    expect(parseFlags(args, SPEC)).toEqual({ flags, positionals });
  });

  it.each([
    [['--colour', 'red'], 'unknown flag --colour (known flags: --dir, --port, --verbose, --tag)'],
    [['--dir'], 'flag --dir needs a value'],
    [['--dir', '--verbose'], 'flag --dir needs a value'],
    [['--port', 'eighty'], 'flag --port expects a number, got "eighty"'],
    [['--port='], 'flag --port expects a number, got ""'],
    [['--verbose=maybe'], 'flag --verbose expects true or false, got "maybe"'],
    [['--no-dir'], 'unknown flag --no-dir (known flags: --dir, --port, --verbose, --tag)'],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseFlags(args, SPEC)).toThrow(new UsageError(message));
  });
});

describe('dispatch', () => {
  const calls: string[][] = [];
  const command = (name: string, code = 0): Command => ({
    name,
    summary: `does ${name}`,
    usage: `usage: servping ${name}`,
    run(args) {
      calls.push([name, ...args]);
      return Promise.resolve(code);
    },
  });
  const commands = [command('demo'), command('demo run', 3), command('definitions validate')];

  function sink(): { stream: Writable; text: () => string } {
    let text = '';
    return {
      stream: new Writable({
        write(chunk: Buffer, _e, done) {
          text += chunk.toString();
          done();
        },
      }),
      text: () => text,
    };
  }

  async function run(argv: string[]) {
    const out = sink();
    const err = sink();
    const code = await runCli(argv, { stdout: out.stream, stderr: err.stream, env: {} }, commands);
    return { code, stdout: out.text(), stderr: err.text() };
  }

  beforeEach(() => {
    calls.length = 0;
  });

  it('picks the longest matching name', () => {
    expect(findCommand(commands, ['demo', 'run', 'x'])?.command.name).toBe('demo run');
    expect(findCommand(commands, ['demo', 'stop'])?.rest).toEqual(['stop']);
    expect(findCommand(commands, ['definitions'])).toBeUndefined();
  });

  it('runs the command with the remaining words and returns its exit code', async () => {
    expect((await run(['demo', 'run', '--fast'])).code).toBe(3);
    expect(calls).toEqual([['demo run', '--fast']]);
  });

  it('lists the commands for no arguments, help and --help', async () => {
    for (const argv of [[], ['help'], ['--help'], ['-h']]) {
      const result = await run(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        'usage: servping <command> [args] [--help]\n\ncommands:\n  demo                  does demo\n  demo run              does demo run\n  definitions validate  does definitions validate\n',
      );
    }
    expect(calls).toEqual([]);
  });

  it('prints a command usage for --help without running it', async () => {
    expect(await run(['demo', 'run', '--help'])).toEqual({
      code: 0,
      stdout: 'usage: servping demo run\n',
      stderr: '',
    });
    expect(await run(['help', 'definitions', 'validate'])).toEqual({
      code: 0,
      stdout: 'usage: servping definitions validate\n',
      stderr: '',
    });
    expect(calls).toEqual([]);
  });

  it('answers an unknown command with exit 2 and the commands of its group', async () => {
    const result = await run(['definitions', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'servping: unknown command "definitions list"\n\nusage: servping <command> [args] [--help]\n\ncommands:\n  definitions validate  does definitions validate\n',
    );
  });

  it('turns a thrown error into exit 1 with the message', async () => {
    const failing: Command = { ...command('boom'), run: () => Promise.reject(new Error('redis is down')) };
    const err = sink();
    const code = await runCli(['boom'], { stdout: sink().stream, stderr: err.stream, env: {} }, [failing]);
    expect([code, err.text()]).toEqual([1, 'servping boom: redis is down\n']);
  });
});
