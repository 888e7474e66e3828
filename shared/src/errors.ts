/**
 * Every error servping raises on purpose. Callers branch on `code` (or on the subclass where the
 * extra fields matter), never on message text. HTTP status mapping lives in the route layer.
 */
export type ErrorCode =
  | 'SERVPING_CONFIG'
  | 'SERVPING_DEFINITION'
  | 'SERVPING_UNSUPPORTED_METRIC'
  | 'SERVPING_COUNTER_CONFIG'
  | 'SERVPING_QUERY_TIMEOUT'
  | 'SERVPING_SUBMISSION'
  | 'SERVPING_SKETCH_FORMAT'
  | 'SERVPING_UNKNOWN_EVENT'
  | 'SERVPING_AGGREGATION'
  | 'SERVPING_REDIS_SLOTS'
  | 'SERVPING_DISABLED'
  | 'SERVPING_RUN_IN_PROGRESS';

/** Base class: a stable machine-readable `code` and a message naming what is wrong and where. */
export class ServpingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One invalid environment variable; `ConfigError` bundles all of them. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Configuration could not be loaded; `problems` lists every bad variable, not just the first. */
export class ConfigError extends ServpingError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      'SERVPING_CONFIG',
      `invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`,
    );
  }
}

/** One problem in one metric definition file. `field` is a JSON-pointer-like path ("/options/table"). */
export interface DefinitionProblem {
  file: string;
  keyPath?: string;
  field?: string;
  message: string;
}

/** The metric dictionary is invalid; `problems` lists every problem found across all files. */
export class DefinitionError extends ServpingError {
  constructor(readonly problems: readonly DefinitionProblem[]) {
    super('SERVPING_DEFINITION', problems.map(formatDefinitionProblem).join('\n'));
  }
}

/** Renders a problem as `file [key_path] field: message`, the form the CLI and API print. */
export function formatDefinitionProblem(p: DefinitionProblem): string {
  const where = [p.file, p.keyPath ? `[${p.keyPath}]` : undefined, p.field].filter(Boolean).join(' ');
  return `${where}: ${p.message}`;
}

/** A counter refused its configuration (GitLab's "unwanted configuration"); the metric falls back to -1. */
export class CounterConfigError extends ServpingError {
  constructor(message: string) {
    super('SERVPING_COUNTER_CONFIG', message);
  }
}

/** A statement was cancelled by the statement timeout (SQLSTATE 57014) or the metric deadline. */
export class QueryTimeoutError extends ServpingError {
  constructor(message: string) {
    super('SERVPING_QUERY_TIMEOUT', message);
  }
}

/** Posting to Versions failed. `retryable` is false for answers a retry cannot fix (4xx but 408/429). */
export class SubmissionError extends ServpingError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super('SERVPING_SUBMISSION', message);
  }
}
