/**
 * Structural validation of Kubernetes manifests against the generated models of
 * `@kubernetes/client-node`: every model class carries a static `attributeTypeMap` (field name,
 * type), which is enough to reject unknown fields and wrong primitive types without a cluster.
 *
 * The package is ESM and its index pulls in an HTTP client that needs Node 22, so the model
 * files (plain classes without imports) are loaded once in a child Node process and their maps
 * handed back as JSON.
 */
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './dockerfile';

export interface ModelAttribute {
  name: string;
  type: string;
  format: string;
}

export type ModelTypes = Record<string, ModelAttribute[]>;

const DUMP_MODELS = `
const models = await import('@kubernetes/client-node/dist/gen/models/all.js');
const out = {};
for (const [name, value] of Object.entries(models)) {
  if (typeof value === 'function' && typeof value.getAttributeTypeMap === 'function') {
    out[name] = value.getAttributeTypeMap().map((a) => ({ name: a.baseName, type: a.type, format: a.format }));
  }
}
process.stdout.write(JSON.stringify(out));
`;

/** Every model's attribute map, keyed by class name (`V1Deployment`, `V2HorizontalPodAutoscaler`…). */
export function loadModelTypes(): ModelTypes {
  const json = execFileSync(process.execPath, ['--input-type=module', '-e', DUMP_MODELS], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(json) as ModelTypes;
}

/** The API version each kind used here is served at (the current stable version of each). */
export const STABLE_API_VERSIONS: Record<string, string> = {
  Namespace: 'v1',
  ConfigMap: 'v1',
  Service: 'v1',
  Deployment: 'apps/v1',
  PodDisruptionBudget: 'policy/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
};

/** `apps/v1` + `Deployment` → `V1Deployment`; `autoscaling/v2` + `HorizontalPodAutoscaler` → `V2…`. */
export function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1)!;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

const INTEGER_FORMATS = new Set(['int32', 'int64']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Problems of `value` read as `type` (a model name or one of the generator's type expressions),
 * each as `path: message`; empty when the value fits.
 */
export function validateAgainstModel(
  value: unknown,
  type: string,
  models: ModelTypes,
  path = '',
  format = '',
): string[] {
  const here = path || '/';
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return [`${here}: expected an array, got ${describe(value)}`];
    return value.flatMap((item, i) => validateAgainstModel(item, array[1]!, models, `${path}/${i}`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (describe(value) !== 'object') return [`${here}: expected a map, got ${describe(value)}`];
    return Object.entries(value as object).flatMap(([k, v]) =>
      validateAgainstModel(v, map[1]!, models, `${path}/${k}`),
    );
  }
  switch (type) {
    case 'any':
      return [];
    case 'string':
    case 'Date':
    case 'V1MicroTime':
      return typeof value === 'string' ? [] : [`${here}: expected a string, got ${describe(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${here}: expected a boolean, got ${describe(value)}`];
    case 'number':
      if (typeof value !== 'number') return [`${here}: expected a number, got ${describe(value)}`];
      return INTEGER_FORMATS.has(format) && !Number.isInteger(value)
        ? [`${here}: expected an integer, got ${value}`]
        : [];
    case 'IntOrString':
      return typeof value === 'string' || Number.isInteger(value)
        ? []
        : [`${here}: expected an integer or a string, got ${describe(value)}`];
  }
  const attributes = models[type];
  if (!attributes) return [`${here}: unknown model ${type}`];
  if (describe(value) !== 'object') return [`${here}: expected an object (${type}), got ${describe(value)}`];
  return Object.entries(value as object).flatMap(([key, field]) => {
    const attribute = attributes.find((a) => a.name === key);
    if (!attribute) return [`${path}/${key}: unknown field of ${type}`];
    return validateAgainstModel(field, attribute.type, models, `${path}/${key}`, attribute.format);
  });
}
