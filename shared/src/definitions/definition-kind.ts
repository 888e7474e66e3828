/**
 * How one kind of metric turns a validated definition into the `MetricSpec` servping runs. The
 * kinds live with their counters in @servping/compute; the loader takes their table, so the
 * dictionary knows no kind by name.
 */
import type { SchemaObject } from 'ajv';
import type { DefinitionYaml } from './definition-schema';
import type { MetricSpec, TimeFrame } from './types';

/** A problem with a definition: the JSON pointer of the field (`/options/table`) and what is wrong. */
export interface SchemaIssue {
  /** JSON pointer into the document, e.g. `/options/table`; `` for the document itself. */
  field: string;
  message: string;
}

/** A definition resolved to the computation servping runs for it, with any problems found. */
export interface SpecResult {
  spec: MetricSpec;
  /** Problems with the definition; when non-empty, `spec` must not be used. */
  issues: SchemaIssue[];
}

/** The definition side of one metric kind. */
export interface DefinitionKind {
  /** The instrumentation classes this kind resolves (each class belongs to one kind). */
  classes: readonly string[];
  /** What the definition schema checks for these classes: `options` shape, `data_source`. */
  schemaRules: readonly SchemaObject[];
  /** Whether a definition without `instrumentation_class` is this kind's to resolve. */
  claimsClassless?(doc: DefinitionYaml): boolean;
  /** The spec of a definition that passed the schema; `className` is one of `classes` or absent. */
  resolve(input: { doc: DefinitionYaml; timeFrame: TimeFrame; className?: string }): SpecResult;
}

/** A resolved spec without problems. */
export const specOk = (spec: MetricSpec): SpecResult => ({ spec, issues: [] });

/** Valid YAML that servping cannot run; not a problem of the definition. */
export const specUnsupported = (reason: string): SpecResult => specOk({ kind: 'unsupported', reason });

/** A definition with problems the schema could not express. */
export const specInvalid = (issues: SchemaIssue[]): SpecResult => ({
  spec: { kind: 'unsupported', reason: 'invalid definition' },
  issues,
});
