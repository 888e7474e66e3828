/**
 * The whole dictionary: every file parsed, then the rules that span files — unique key_paths
 * (after time-frame expansion) and references from NumbersMetric / database-sourced
 * AggregatedMetric to the metrics they combine.
 */
import { DefinitionError, type DefinitionProblem } from '../errors';
import type { DefinitionKind } from './definition-kind';
import { isEventFile, type EventDefinition } from './event-definition';
import { eventReferenceProblems } from './event-references';
import { parseDefinitionFile, type DefinitionFile, type DictionaryResult } from './parse-definition-file';
import { parseEventFile } from './parse-event-file';
import type { MetricDefinition } from './types';

/** The dictionary: metric definitions, the event definitions they count, and every problem. */
export interface LoadedDictionary extends DictionaryResult {
  events: EventDefinition[];
}

/**
 * Parses every file and applies the rules that span files; `kinds` (@servping/compute's
 * `definitionKinds`) say which classes exist and how each resolves. Files in a folder named
 * `events` are event definitions (`isEventFile`). Never throws: problems are returned with the
 * definitions that passed (see `loadDictionaryOrThrow` for the all-or-nothing form).
 */
export function loadDictionary(
  files: readonly DefinitionFile[],
  kinds: readonly DefinitionKind[],
): LoadedDictionary {
  const { events, problems } = loadEvents(files);
  const eventsByAction = new Map(events.map((e) => [e.action, e]));
  const parsed: MetricDefinition[] = [];
  for (const file of files) {
    if (isEventFile(file.path)) continue;
    const result = parseDefinitionFile(file, kinds);
    parsed.push(...result.definitions);
    problems.push(...result.problems);
  }

  const byKeyPath = keepFirst(
    parsed,
    (d) => d.keyPath,
    problems,
    (definition, first) => ({
      file: definition.file,
      keyPath: definition.keyPath,
      field: '/key_path',
      message: `duplicate key_path: also defined in ${first.file}${first.file === definition.file ? ' (time_frame expansion)' : ''}`,
    }),
  );
  const definitions = [...byKeyPath.values()];

  // A metric that failed to load is already reported; do not report its dependants as dangling.
  const failedKeyPaths = new Set(problems.map((p) => p.keyPath).filter((k): k is string => k !== undefined));
  const valid = new Set<MetricDefinition>(definitions);
  for (const definition of definitions) {
    const referenceProblems = [
      ...checkReferences(definition, byKeyPath, failedKeyPaths),
      ...(definition.status === 'removed' ? [] : eventReferenceProblems(definition, eventsByAction)),
    ];
    if (referenceProblems.length > 0) {
      problems.push(...referenceProblems);
      valid.delete(definition);
    }
  }
  return { definitions: definitions.filter((d) => valid.has(d)), events, problems };
}

/**
 * The event definitions among `files`, each action defined once. Never throws; the tracking API
 * loads these alone (`loadEventsOrThrow`).
 */
export function loadEvents(files: readonly DefinitionFile[]): {
  events: EventDefinition[];
  problems: DefinitionProblem[];
} {
  const problems: DefinitionProblem[] = [];
  const parsed: EventDefinition[] = [];
  for (const file of files) {
    if (!isEventFile(file.path)) continue;
    const { event, problems: fileProblems } = parseEventFile(file);
    problems.push(...fileProblems);
    if (event) parsed.push(event);
  }
  const byAction = keepFirst(
    parsed,
    (e) => e.action,
    problems,
    (event, first) => ({
      file: event.file,
      keyPath: event.action,
      field: '/action',
      message: `duplicate event: also defined in ${first.file}`,
    }),
  );
  return { events: [...byAction.values()], problems };
}

/**
 * The first of `items` for each key, in order; every later one with the same key adds the
 * problem `duplicate(item, first)` to `problems`.
 */
function keepFirst<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  problems: DefinitionProblem[],
  duplicate: (item: T, first: T) => DefinitionProblem,
): Map<string, T> {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const first = byKey.get(keyOf(item));
    if (first) problems.push(duplicate(item, first));
    else byKey.set(keyOf(item), item);
  }
  return byKey;
}

/** `loadEvents`, throwing one `DefinitionError` listing every problem. */
export function loadEventsOrThrow(files: readonly DefinitionFile[]): EventDefinition[] {
  const { events, problems } = loadEvents(files);
  if (problems.length > 0) throw new DefinitionError(problems);
  return events;
}

/** `loadDictionary`, throwing one `DefinitionError` listing every problem. */
export function loadDictionaryOrThrow(
  files: readonly DefinitionFile[],
  kinds: readonly DefinitionKind[],
): MetricDefinition[] {
  const { definitions, problems } = loadDictionary(files, kinds);
  if (problems.length > 0) throw new DefinitionError(problems);
  return definitions;
}

function checkReferences(
  definition: MetricDefinition,
  byKeyPath: ReadonlyMap<string, MetricDefinition>,
  failed: ReadonlySet<string>,
): DefinitionProblem[] {
  if (definition.status === 'removed') return [];
  const { spec } = definition;
  const problems: DefinitionProblem[] = [];
  const report = (field: string, message: string) =>
    problems.push({ file: definition.file, keyPath: definition.keyPath, field, message });

  if (spec.kind === 'add') {
    spec.keyPaths.forEach((keyPath, i) => {
      if (failed.has(keyPath)) return;
      const target = byKeyPath.get(keyPath);
      if (!target || target.status === 'removed') {
        report(
          `/options/metrics/${i}`,
          `refers to ${target ? 'removed' : 'unknown'} key_path "${keyPath}" (expected a metric of this dictionary)`,
        );
      } else if (keyPath === definition.keyPath) {
        report(`/options/metrics/${i}`, 'refers to the metric itself');
      }
    });
  }
  if (spec.kind === 'aggregated' && spec.source === 'database') {
    spec.events.forEach((keyPath, i) => {
      if (failed.has(keyPath)) return;
      const target = byKeyPath.get(keyPath);
      const isEstimate =
        target?.spec.kind === 'database' && target.spec.query.operation === 'estimate_distinct_count';
      if (!target || target.status === 'removed' || !isEstimate) {
        report(
          `/options/events/${i}`,
          `refers to "${keyPath}", which is ${target ? (target.status === 'removed' ? 'removed' : 'not an estimate_distinct_count database metric') : 'not a key_path of this dictionary'} (database aggregation merges estimate_distinct_count sketches)`,
        );
      } else if (target.timeFrame !== definition.timeFrame) {
        report(
          `/options/events/${i}`,
          `refers to "${keyPath}" with time_frame ${target.timeFrame}; expected the aggregate's time_frame ${definition.timeFrame}`,
        );
      }
    });
  }
  return problems;
}
