import { definitionKinds } from '@servping/compute';
import {
  DefinitionError,
  formatDefinitionProblem,
  loadDictionaryOrThrow,
  type MetricDefinition,
} from '@servping/shared';
import { readDictionaryFiles } from '@servping/runtime';

/**
 * Reads and validates the metric dictionary in `dir` for a command that needs it whole. An invalid
 * dictionary is reported on `stderr`, one line per problem naming file and field, and yields
 * `undefined` (the command then exits 1); any other error, e.g. a missing directory, is thrown.
 */
export async function loadDefinitionsOrReport(
  dir: string,
  stderr: NodeJS.WritableStream,
): Promise<MetricDefinition[] | undefined> {
  try {
    return loadDictionaryOrThrow(await readDictionaryFiles(dir), definitionKinds);
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    for (const problem of err.problems) stderr.write(`${formatDefinitionProblem(problem)}\n`);
    return undefined;
  }
}
