/**
 * The contract every `servping` sub-command implements, and the one flag parser they share.
 * A command is a plain object so `main.ts` can list them in a single table and tests can call
 * `run` directly with in-memory streams.
 */

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  /** Space-separated words after `servping`, e.g. `definitions validate`. */
  name: string;
  /** One line for the command list in `servping help`. */
  summary: string;
  /** Full usage text printed for `--help` and after a usage error. */
  usage: string;
  /** Resolves to the process exit code; throws `UsageError` for bad arguments. */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Bad command-line arguments: `main.ts` prints the message and the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagType = 'string' | 'number' | 'boolean';

export interface FlagDef {
  type: FlagType;
  /** Repeatable: every occurrence is collected into an array (empty when absent). */
  multiple?: boolean;
}

export type FlagSpec = Record<string, FlagDef>;

type FlagValue<D extends FlagDef> = D['type'] extends 'boolean'
  ? boolean
  : D['type'] extends 'number'
    ? number
    : string;

/** Absent booleans are `false`, absent repeatable flags `[]`, other absent flags `undefined`. */
export type ParsedFlags<S extends FlagSpec> = {
  [K in keyof S]: S[K]['multiple'] extends true
    ? FlagValue<S[K]>[]
    : S[K]['type'] extends 'boolean'
      ? boolean
      : FlagValue<S[K]> | undefined;
};

export interface ParsedArgs<S extends FlagSpec> {
  flags: ParsedFlags<S>;
  positionals: string[];
}

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * Parses `--flag value`, `--flag=value`, repeated flags, booleans (`--flag`, `--no-flag`,
 * `--flag=false`) and positionals; `--` ends the flags. Unknown flags, missing values and
 * non-numeric numbers throw `UsageError` naming the flag.
 */
export function parseFlags<S extends FlagSpec>(args: readonly string[], spec: S): ParsedArgs<S> {
  const values: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec)) {
    values[name] = def.multiple ? [] : def.type === 'boolean' ? false : undefined;
  }
  const positionals: string[] = [];
  const known = () =>
    Object.keys(spec)
      .map((n) => `--${n}`)
      .join(', ') || 'none';

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    let def = spec[name];
    if (!def && name.startsWith('no-') && spec[name.slice(3)]?.type === 'boolean' && inline === undefined) {
      name = name.slice(3);
      def = spec[name];
      inline = 'false';
    }
    if (!def) throw new UsageError(`unknown flag --${name} (known flags: ${known()})`);

    let value: unknown;
    if (def.type === 'boolean') {
      if (inline === undefined) value = true;
      else if (TRUE_WORDS.has(inline)) value = true;
      else if (FALSE_WORDS.has(inline)) value = false;
      else throw new UsageError(`flag --${name} expects true or false, got "${inline}"`);
    } else {
      let text = inline;
      if (text === undefined) {
        const next = args[i + 1];
        if (next === undefined || next.startsWith('--')) {
          throw new UsageError(`flag --${name} needs a value`);
        }
        text = next;
        i++;
      }
      if (def.type === 'number') {
        const n = Number(text);
        if (text.trim() === '' || !Number.isFinite(n)) {
          throw new UsageError(`flag --${name} expects a number, got "${text}"`);
        }
        value = n;
      } else {
        value = text;
      }
    }
    if (def.multiple) (values[name] as unknown[]).push(value);
    else values[name] = value;
  }
  return { flags: values as ParsedFlags<S>, positionals };
}
