/**
 * `docker-compose.yml` as Compose sees it: YAML with anchors and merge keys resolved, then
 * `${VAR}`, `${VAR:-default}` and `${VAR:?message}` interpolated from a given environment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './dockerfile';

export const COMPOSE_PATH = path.join(REPO_ROOT, 'docker-compose.yml');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string; interval?: string; timeout?: string; retries?: number };
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  container_name?: string;
  restart?: string;
  stop_grace_period?: string;
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Replaces Compose variables in every string of `value`, as `docker compose config` would. */
export function interpolate(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
      (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
        if (whole === '$$') return '$';
        const current = env[name!];
        const unset = op?.startsWith(':') ? !current : current === undefined;
        if (op?.endsWith('?') && unset) throw new Error(`${name}: ${arg || 'required'}`);
        if (op?.endsWith('-') && unset) return arg ?? '';
        return current ?? '';
      },
    );
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

/** The YAML document before interpolation (what the compose-spec schema validates). */
export function readComposeDocument(): unknown {
  return parse(readFileSync(COMPOSE_PATH, 'utf8'), { merge: true });
}

/** The compose file after interpolation with `env` (default: nothing set, i.e. every default). */
export function loadCompose(env: Readonly<Record<string, string | undefined>> = {}): ComposeFile {
  return interpolate(readComposeDocument(), env) as ComposeFile;
}
