import { readDictionaryFiles } from '@servping/runtime';
import { loadDictionaryOrThrow, type MetricDefinition } from '@servping/shared';

/** Loads the dictionary; throws `DefinitionError` naming every file and field that is wrong. */
export type DictionarySource = () => Promise<MetricDefinition[]>;

/**
 * Reads and validates the dictionary directory on every call: an edited definition takes effect at
 * the next run or request without a restart, and a broken one is reported where it is used.
 */
export function directoryDictionary(root: string): DictionarySource {
  return async () => loadDictionaryOrThrow(await readDictionaryFiles(root));
}
