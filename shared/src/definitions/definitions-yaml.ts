/**
 * GitLab's `/usage_data/metric_definitions` export: a YAML list of the definition documents as
 * written. One entry per file, since time-frame expansion is a loading detail.
 */
import { stringify } from 'yaml';
import type { MetricDefinition } from './types';

/**
 * The definitions as one YAML list of their original documents, one per file; with
 * `includePaths` each entry also names its file. Pure: returns the text.
 */
export function definitionsToYaml(
  definitions: readonly MetricDefinition[],
  options: { includePaths: boolean },
): string {
  const seenFiles = new Set<string>();
  const documents: Record<string, unknown>[] = [];
  for (const definition of definitions) {
    if (seenFiles.has(definition.file)) continue;
    seenFiles.add(definition.file);
    documents.push(options.includePaths ? { ...definition.raw, file_path: definition.file } : definition.raw);
  }
  return stringify(documents);
}
