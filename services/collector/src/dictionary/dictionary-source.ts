import { definitionKinds } from '@servping/compute';
import { createHash } from 'node:crypto';
import { readDictionaryFiles, type DictionaryFile } from '@servping/runtime';
import { loadDictionaryOrThrow, type MetricDefinition } from '@servping/shared';

/** Loads the dictionary; throws `DefinitionError` naming every file and field that is wrong. */
export type DictionarySource = () => Promise<MetricDefinition[]>;

/**
 * Reads the dictionary directory on every call, so an edited definition takes effect at the next
 * run or request without a restart and a broken one is reported where it is used. Parsing and
 * validating is skipped while the files are byte for byte those of the last good load: a trigger
 * validates the dictionary and its planner loads it again moments later, and 1 000 definitions
 * take ~0.3 s to validate. A broken dictionary is never cached, so it is re-checked every time.
 */
export function directoryDictionary(root: string): DictionarySource {
  let last: { digest: string; definitions: MetricDefinition[] } | undefined;
  return async () => {
    const files = await readDictionaryFiles(root);
    const digest = contentDigest(files);
    if (last?.digest === digest) return last.definitions;
    // Frozen: every caller shares the cached objects, so a mutation must fail loudly, not leak.
    const definitions = deepFreeze(loadDictionaryOrThrow(files, definitionKinds));
    last = { digest, definitions };
    return definitions;
  };
}

function contentDigest(files: readonly DictionaryFile[]): string {
  const hash = createHash('sha256');
  // Lengths delimit the parts, so no two different file sets produce the same byte stream.
  for (const file of files)
    hash.update(`${file.path.length}:${file.path}${Buffer.byteLength(file.text)}:`).update(file.text);
  return hash.digest('hex');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
