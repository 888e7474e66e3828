/**
 * The environment variables each servping process reads, taken from the `EnvField` specs its
 * `src/config.ts` exports, so a renamed or newly required variable is noticed by the deployment
 * tests without anyone updating a list.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EnvField } from '@servping/shared';
import { REPO_ROOT } from './dockerfile';

export const SERVICES = ['collector', 'worker', 'aggregator', 'versions'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceVariable {
  variable: string;
  required: boolean;
  default: unknown;
}

/** The port variable of each process's HTTP server (ops routes included). */
export const PORT_VARIABLE: Record<ServiceName, string> = {
  collector: 'COLLECTOR_PORT',
  worker: 'WORKER_OPS_PORT',
  aggregator: 'AGGREGATOR_OPS_PORT',
  versions: 'VERSIONS_PORT',
};

function isEnvField(value: unknown): value is EnvField<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EnvField<unknown>).variable === 'string' &&
    typeof (value as EnvField<unknown>).parse === 'function'
  );
}

function isEnvSpec(value: unknown): value is Record<string, EnvField<unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).length > 0 &&
    Object.values(value).every(isEnvField)
  );
}

/** Every variable of the specs `services/<name>/src/config.ts` exports; throws if it exports none. */
export function serviceVariables(service: ServiceName): ServiceVariable[] {
  const file = path.join(REPO_ROOT, 'services', service, 'src', 'config.ts');
  if (!existsSync(file)) throw new Error(`services/${service}/src/config.ts does not exist`);
  // require, not import: the file is chosen at run time, and jest's swc transform compiles it.
  const exports = require(file) as Record<string, unknown>;
  const specs = Object.values(exports).filter(isEnvSpec);
  if (specs.length === 0) throw new Error(`services/${service}/src/config.ts exports no EnvField spec`);
  const byName = new Map<string, ServiceVariable>();
  for (const field of specs.flatMap((spec) => Object.values(spec))) {
    byName.set(field.variable, {
      variable: field.variable,
      required: !('default' in field),
      default: field.default,
    });
  }
  return [...byName.values()];
}

/**
 * The variables a container must set: those without a default, and those whose default points at
 * this machine (127.0.0.1/localhost), which inside a container or pod is the container itself.
 */
export function variablesToSet(service: ServiceName): string[] {
  return serviceVariables(service)
    .filter(
      (v) =>
        v.required || (typeof v.default === 'string' && /\/\/(127\.0\.0\.1|localhost)[:/]/.test(v.default)),
    )
    .map((v) => v.variable)
    .concat(PORT_VARIABLE[service])
    .sort();
}
