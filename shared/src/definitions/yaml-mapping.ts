/**
 * One dictionary file's text → the single YAML mapping it must hold, or the problems that stop
 * it from being read. Shared by metric and event definitions, which GitLab both writes one per
 * file.
 */
import { parseAllDocuments } from 'yaml';
import type { DefinitionProblem } from '../errors';

/** The mapping of a file, or why there is none (each problem names the file). */
export type YamlMappingResult =
  | { mapping: Record<string, unknown>; problems?: undefined }
  | { mapping?: undefined; problems: DefinitionProblem[] };

/**
 * @param path named in every problem
 * @param fields the first fields such a mapping holds, for the messages (`key_path, description`)
 */
export function readYamlMapping(path: string, text: string, fields: string): YamlMappingResult {
  const fail = (message: string): YamlMappingResult => ({ problems: [{ file: path, message }] });
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(documents) || documents.length === 0) {
    return fail(`is empty (expected one YAML mapping with ${fields}, …)`);
  }
  if (documents.length > 1) {
    return fail(`holds ${documents.length} YAML documents (expected exactly one definition per file)`);
  }
  const document = documents[0]!;
  if (document.errors.length > 0) {
    return {
      // The pretty message ends in a code frame; its first line already says where.
      problems: document.errors.map((e) => ({
        file: path,
        message: `is not valid YAML: ${(e.message.split('\n')[0] ?? '').replace(/:$/, '')}`,
      })),
    };
  }
  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return fail(`is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(
      `must hold a YAML mapping (${fields}, …); got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`,
    );
  }
  return { mapping: raw as Record<string, unknown> };
}
