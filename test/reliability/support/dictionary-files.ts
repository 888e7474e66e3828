import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One metric definition file with the fields every active definition needs (newest format). */
export function definition(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    description: `reliability metric ${String(fields.key_path)}`,
    product_group: 'analytics_instrumentation',
    value_type: 'number',
    status: 'active',
    time_frame: 'all',
    data_category: 'optional',
    milestone: '17.0',
    introduced_by_url: 'https://example.com/merge_requests/1',
    tiers: ['free'],
    ...fields,
  };
}

/** A count over `table` (database data source). */
export const countOf = (keyPath: string, table: string, options: Record<string, unknown> = {}) =>
  definition({
    key_path: keyPath,
    data_source: 'database',
    options: { operation: 'count', table, ...options },
  });

export interface DictionaryDir {
  dir: string;
  /** Writes `files` (relative path → definition) as YAML (JSON is YAML); text is written as is. */
  write(files: Record<string, Record<string, unknown> | string>): Promise<void>;
  remove(file: string): Promise<void>;
  destroy(): Promise<void>;
}

export async function dictionaryDir(label: string): Promise<DictionaryDir> {
  const dir = await mkdtemp(path.join(tmpdir(), `servping-rel-dict-${label}-`));
  return {
    dir,
    async write(files) {
      for (const [file, content] of Object.entries(files)) {
        const target = path.join(dir, file);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(
          target,
          typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`,
        );
      }
    },
    async remove(file) {
      await rm(path.join(dir, file), { force: true });
    },
    async destroy() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
