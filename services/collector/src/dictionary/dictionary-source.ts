import { definitionKinds } from '@servping/compute';
import { createHash } from 'node:crypto';
import { readDictionaryFiles, type DictionaryFile } from '@servping/runtime';
import {
  isEventFile,
  loadDictionaryOrThrow,
  loadEventsOrThrow,
  type EventDefinition,
  type MetricDefinition,
} from '@servping/shared';

/** Loads the dictionary; throws `DefinitionError` naming every file and field that is wrong. */
export type DictionarySource = () => Promise<MetricDefinition[]>;

/** Loads the event dictionary (files under an `events/` folder); throws `DefinitionError`. */
export type EventDictionarySource = () => Promise<EventDefinition[]>;

/**
 * Reads the dictionary directory on every call, so an edited definition takes effect at the next
 * run or request without a restart and a broken one is reported where it is used. Parsing and
 * validating is skipped while the files are byte for byte those of the last good load: a trigger
 * validates the dictionary and its planner loads it again moments later, and 1 000 definitions
 * take ~0.3 s to validate. A broken dictionary is never cached, so it is re-checked every time.
 */
export function directoryDictionary(root: string): DictionarySource {
  return digestCached(root, (files) => loadDictionaryOrThrow(files, definitionKinds));
}

/**
 * The event dictionary under `root` alone, for the tracking API, which must not wait for every
 * metric definition to validate; reloaded and cached as `directoryDictionary`.
 */
export function directoryEvents(root: string): EventDictionarySource {
  return digestCached(root, (files) => loadEventsOrThrow(files.filter((f) => isEventFile(f.path))));
}

function digestCached<T>(root: string, load: (files: DictionaryFile[]) => T): () => Promise<T> {
  let last: { digest: string; loaded: T } | undefined;
  return async () => {
    const files = await readDictionaryFiles(root);
    const digest = contentDigest(files);
    if (last?.digest === digest) return last.loaded;
    // Frozen: every caller shares the cached objects, so a mutation must fail loudly, not leak.
    const loaded = deepFreeze(load(files));
    last = { digest, loaded };
    return loaded;
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
