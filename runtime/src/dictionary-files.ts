/**
 * Reads the metric dictionary directory into `{ path, text }` pairs for the pure loader in
 * @servping/shared, which names these relative paths in its problems.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DefinitionError } from '@servping/shared';

/** A definition is a few KiB; anything this large is a mistake (or not a definition). */
export const MAX_DEFINITION_FILE_BYTES = 256 * 1024;

const DEFINITION_FILE = /\.ya?ml$/;
/** Files read at once: enough to hide the file system's latency, few enough for any fd limit. */
const READ_PARALLELISM = 32;

export interface DictionaryFile {
  /** Relative to the dictionary root, always with `/` separators. */
  path: string;
  text: string;
}

/** Every `.yml`/`.yaml` file under `root`, recursively, sorted by path. */
export async function readDictionaryFiles(root: string): Promise<DictionaryFile[]> {
  const rootStat = await stat(root).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read metric dictionary ${root}: ${err.code ?? err.message}`);
  });
  if (!rootStat.isDirectory()) throw new Error(`metric dictionary ${root} is not a directory`);

  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && DEFINITION_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name));

  // Files are read a few dozen at a time: one after another, 1 000 small definitions took ~0.7 s.
  const files = await mapInBatches(paths, READ_PARALLELISM, async (absolute): Promise<DictionaryFile> => {
    const relativePath = relative(root, absolute).split(sep).join('/');
    const { size } = await stat(absolute);
    if (size > MAX_DEFINITION_FILE_BYTES) {
      throw new DefinitionError([
        {
          file: relativePath,
          message: `is ${size} bytes; a definition file may be at most ${MAX_DEFINITION_FILE_BYTES} bytes (256 KiB)`,
        },
      ]);
    }
    return { path: relativePath, text: await readFile(absolute, 'utf8') };
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `task` over `items`, `width` at a time, results in input order; the first rejection wins. */
async function mapInBatches<T, R>(
  items: readonly T[],
  width: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return out;
}
