/**
 * Runs the definition schema (`buildDefinitionSchema` with the kinds' rules) with ajv and turns
 * its errors into `field: message` pairs a person can act on: the JSON pointer of the offending
 * field, what is wrong, what was expected, and why (the `errorHint` of every sub-schema on the way
 * to the failing keyword).
 */
import Ajv, { type ErrorObject, type SchemaObject } from 'ajv';
import addFormats from 'ajv-formats';
import { specInvalid, type DefinitionKind, type SchemaIssue, type SpecResult } from './definition-kind';
import { buildDefinitionSchema, type DefinitionYaml, type OptionsSchema } from './definition-schema';

let sharedAjv: Ajv | undefined;

/** Created on first use, not at import: importing the dictionary module stays cheap. */
function ajv(): Ajv {
  if (!sharedAjv) {
    sharedAjv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(sharedAjv, ['uri']);
    sharedAjv.addKeyword({ keyword: 'errorHint', schemaType: 'string' });
  }
  return sharedAjv;
}

/** One definition schema per kinds table (the table is a module constant: built once). */
const schemaByKinds = new WeakMap<readonly DefinitionKind[], SchemaObject>();

/** The shape problems of one definition document under the schema of `kinds`; empty when valid. */
export function validateDefinitionShape(doc: unknown, kinds: readonly DefinitionKind[]): SchemaIssue[] {
  let schema = schemaByKinds.get(kinds);
  if (!schema) {
    schema = buildDefinitionSchema(kinds.flatMap((k) => k.schemaRules));
    schemaByKinds.set(kinds, schema);
  }
  return validateShape(schema, doc);
}

/**
 * The problems of `doc` under `schema` (compiled once per schema object: ajv caches it), each a
 * JSON pointer and a message with the `errorHint`s on the way; empty when valid.
 */
export function validateShape(schema: SchemaObject, doc: unknown): SchemaIssue[] {
  const validate = ajv().compile(schema);
  if (validate(doc)) return [];
  const errors = (validate.errors ?? []).filter(isReportable);
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    const issue = describe(error, doc, schema);
    const id = `${issue.field}\u0000${issue.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      issues.push(issue);
    }
  }
  return issues;
}

/**
 * `if` only announces that a `then`/`else` failed (which is reported itself), and the branches
 * of an `anyOf` are noise next to the `anyOf` error that summarises them.
 */
function isReportable(error: ErrorObject): boolean {
  if (error.keyword === 'if') return false;
  const anyOfBranch = /\/anyOf\/\d+\//.test(error.schemaPath);
  return !anyOfBranch;
}

function describe(error: ErrorObject, doc: unknown, root: SchemaObject): SchemaIssue {
  const params = error.params as Record<string, unknown>;
  let field = error.instancePath;
  let message: string;
  const actual = valueAt(doc, error.instancePath);
  switch (error.keyword) {
    case 'required':
      field = `${field}/${String(params.missingProperty)}`;
      message = 'is required';
      break;
    case 'additionalProperties': {
      field = `${field}/${String(params.additionalProperty)}`;
      const properties: unknown = schemaAt(
        root,
        error.schemaPath.replace(/\/additionalProperties$/, ''),
      )?.properties;
      const allowed = properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
      message = `is not a known field (expected one of: ${allowed.join(', ')})`;
      break;
    }
    case 'enum':
      message = `must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')}; got ${show(actual)}`;
      break;
    case 'const':
      message = `must be ${show(params.allowedValue)}; got ${show(actual)}`;
      break;
    case 'type':
      message = `must be ${String(params.type).replace(/,/g, ' or ')}; got ${show(actual)}`;
      break;
    case 'pattern':
      message = `must match ${String(params.pattern)}; got ${show(actual)}`;
      break;
    case 'format':
      message = `must be a valid ${String(params.format)}; got ${show(actual)}`;
      break;
    case 'minLength':
      message = params.limit === 1 ? 'must not be empty' : `${error.message ?? 'is too short'}`;
      break;
    case 'false schema':
      message = 'is not allowed here';
      break;
    case 'anyOf':
      message = `has an unexpected form; got ${show(actual)}`;
      break;
    default:
      message = `${error.message ?? 'is invalid'}; got ${show(actual)}`;
  }
  const hints = hintsAlong(root, error.schemaPath);
  if (hints.length > 0) message = `${message} (${hints.join('; ')})`;
  return { field, message };
}

/** Follows a `#/a/b/c` schema path from the root schema; undefined when it leaves the tree. */
function schemaAt(root: SchemaObject, schemaPath: string): SchemaObject | undefined {
  let node: unknown = root;
  for (const segment of pointerSegments(schemaPath.replace(/^#/, ''))) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node !== null && typeof node === 'object' ? node : undefined;
}

function hintsAlong(root: SchemaObject, schemaPath: string): string[] {
  const hints: string[] = [];
  let node: unknown = root;
  for (const segment of pointerSegments(schemaPath.replace(/^#/, ''))) {
    if (node === null || typeof node !== 'object') break;
    const hint = (node as Record<string, unknown>).errorHint;
    if (typeof hint === 'string' && !hints.includes(hint)) hints.push(hint);
    node = (node as Record<string, unknown>)[segment];
  }
  return hints;
}

function valueAt(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const segment of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}

/**
 * `resolve(options)` with the definition's options narrowed to T by their own schema. The
 * definition schema has already checked them, so the issue below only reports options that are
 * missing or a kind whose rule and options schema disagree.
 */
export function withOptions<T>(
  schema: OptionsSchema<T>,
  doc: Pick<DefinitionYaml, 'options'>,
  resolve: (options: T) => SpecResult,
): SpecResult {
  // ajv caches the compiled validator per schema object.
  const check = ajv().compile<T>(schema);
  if (check(doc.options)) return resolve(doc.options);
  return specInvalid([
    { field: '/options', message: 'is missing or does not match the options of its class' },
  ]);
}
