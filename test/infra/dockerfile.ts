/**
 * A reader for the subset of Dockerfile syntax `infra/docker/Dockerfile` uses: stages, their
 * instructions (line continuations and comments folded away), and what a target inherits from the
 * stages it is built `FROM`. No Docker engine runs in CI, so the tests read the file instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const DOCKERFILE_PATH = path.join(REPO_ROOT, 'infra/docker/Dockerfile');

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

export interface Healthcheck {
  options: Record<string, string>;
  command: string[];
}

/** What a target ends up with once the stages it builds on are taken into account. */
export interface ResolvedTarget {
  name: string;
  /** The first image that is not a stage of this file, e.g. `node:22-bookworm-slim`. */
  baseImage: string;
  cmd: string[] | undefined;
  entrypoint: string[] | undefined;
  healthcheck: Healthcheck | undefined;
  user: string | undefined;
  stopSignal: string | undefined;
  env: Record<string, string>;
  expose: string[];
}

/** Splits the file into stages; `ARG`s before the first `FROM` substitute into `FROM` lines. */
export function parseDockerfile(text: string): Stage[] {
  const lines = joinContinuations(text);
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`cannot read FROM ${args}`);
      const base = from[1]!.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_, a: string, b: string) => globalArgs[a ?? b] ?? '',
      );
      stages.push({ base, name: from[2], instructions: [] });
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`only ARG may precede the first FROM, got ${keyword}`);
      const [name, value = ''] = args.split('=', 2);
      globalArgs[name!] = value;
    } else {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

function joinContinuations(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    if (whole) out.push(whole);
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

/** A JSON-array (exec form) argument; the shell form is rejected because it breaks signals. */
export function execForm(args: string, keyword: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`${keyword} must use the exec form (JSON array), got ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`${keyword} must be a JSON array of strings, got ${args}`);
  }
  return parsed;
}

function parseHealthcheck(args: string): Healthcheck | undefined {
  if (/^NONE$/i.test(args)) return undefined;
  const options: Record<string, string> = {};
  let rest = args;
  for (let m = /^--(\S+?)=(\S+)\s+/.exec(rest); m; m = /^--(\S+?)=(\S+)\s+/.exec(rest)) {
    options[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  const cmd = /^CMD\s+(.*)$/i.exec(rest);
  if (!cmd) throw new Error(`HEALTHCHECK must be followed by CMD, got ${rest}`);
  return { options, command: execForm(cmd[1]!, 'HEALTHCHECK CMD') };
}

/** The effective CMD, ENTRYPOINT, HEALTHCHECK, USER, ENV… of `target`, following `FROM <stage>`. */
export function resolveTarget(stages: readonly Stage[], target: string): ResolvedTarget {
  const chain: Stage[] = [];
  for (let name: string | undefined = target; name !== undefined;) {
    const stage = stages.find((s) => s.name === name);
    if (!stage) {
      if (chain.length === 0) throw new Error(`no stage named ${target}`);
      break;
    }
    if (chain.includes(stage)) throw new Error(`stage cycle at ${name}`);
    chain.unshift(stage);
    name = stages.some((s) => s.name === stage.base) ? stage.base : undefined;
  }
  const resolved: ResolvedTarget = {
    name: target,
    baseImage: chain[0]!.base,
    cmd: undefined,
    entrypoint: undefined,
    healthcheck: undefined,
    user: undefined,
    stopSignal: undefined,
    env: {},
    expose: [],
  };
  for (const { keyword, args } of chain.flatMap((s) => s.instructions)) {
    if (keyword === 'CMD') resolved.cmd = execForm(args, 'CMD');
    else if (keyword === 'ENTRYPOINT') resolved.entrypoint = execForm(args, 'ENTRYPOINT');
    else if (keyword === 'HEALTHCHECK') resolved.healthcheck = parseHealthcheck(args);
    else if (keyword === 'USER') resolved.user = args;
    else if (keyword === 'STOPSIGNAL') resolved.stopSignal = args;
    else if (keyword === 'EXPOSE') resolved.expose.push(...args.split(/\s+/));
    else if (keyword === 'ENV') {
      // `name=value`: the value is everything after the first `=` (`NODE_OPTIONS=--flag=32`).
      for (const pair of args.split(/\s+/)) {
        const at = pair.indexOf('=');
        if (at === -1) resolved.env[pair] = '';
        else resolved.env[pair.slice(0, at)] = pair.slice(at + 1);
      }
    }
  }
  return resolved;
}

/** The repository's Dockerfile, parsed. */
export function loadDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(DOCKERFILE_PATH, 'utf8'));
}

/** Go-style durations as Docker and Compose write them (`1m30s`, `500ms`) in milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)
    throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}
