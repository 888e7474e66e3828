import { definitionKinds } from '@servping/compute';
/**
 * `servping definitions validate <dir>`: loads a metric dictionary the way the collector does and
 * reports every problem, then what servping would compute — so a broken or unsupported
 * definition is found at review time, not at 3 a.m. in a run.
 */
import {
  DefinitionError,
  formatDefinitionProblem,
  loadDictionary,
  schemaGeneration,
  SCHEMA_GENERATION_LABELS,
  type MetricDefinition,
} from '@servping/shared';
import { readDictionaryFiles } from '@servping/runtime';
import { parseFlags, UsageError, type Command } from '../command';

const USAGE = `usage: servping definitions validate <dir>

Validates every .yml/.yaml metric definition under <dir> (GitLab's format, see
docs/metric-definitions.md), and the event definitions in its events/ folders. Prints each
problem as "file [key_path] /field: message", then a summary by kind, data source, status and
GitLab schema generation, and the definitions servping cannot compute.
Exits 1 when any problem is found.`;

export const definitionsValidateCommand: Command = {
  name: 'definitions validate',
  summary: 'check a metric dictionary directory and summarise what it computes',
  usage: USAGE,
  async run(args, io) {
    const { positionals } = parseFlags(args, {});
    if (positionals.length !== 1) {
      throw new UsageError(`expected one dictionary directory; got ${positionals.length} arguments`);
    }
    const root = positionals[0] as string;

    let files;
    try {
      files = await readDictionaryFiles(root);
    } catch (err) {
      if (err instanceof DefinitionError) {
        for (const problem of err.problems) io.stderr.write(`${formatDefinitionProblem(problem)}\n`);
        return 1;
      }
      throw err;
    }
    if (files.length === 0) {
      io.stderr.write(`no .yml or .yaml files under ${root}\n`);
      return 1;
    }

    const { definitions, events, problems } = loadDictionary(files, definitionKinds);
    for (const problem of problems) io.stderr.write(`${formatDefinitionProblem(problem)}\n`);
    io.stdout.write(summarize(files.length, definitions, events.length, problems.length));
    return problems.length > 0 ? 1 : 0;
  },
};

function summarize(
  fileCount: number,
  definitions: readonly MetricDefinition[],
  eventCount: number,
  problemCount: number,
): string {
  const lines = [
    `${plural(definitions.length, 'definition')} loaded from ${plural(fileCount, 'file')}; ${plural(problemCount, 'problem')}`,
    `by kind: ${tally(definitions.map((d) => d.spec.kind))}`,
    `by data source: ${tally(definitions.map((d) => d.dataSource))}`,
    `by status: ${tally(definitions.map((d) => d.status))}`,
    `files by GitLab schema generation: ${tally(generations(definitions))}`,
  ];
  if (eventCount > 0) lines.push(`events defined (events/): ${eventCount}`);
  const unsupported = definitions.filter((d) => d.spec.kind === 'unsupported');
  if (unsupported.length > 0) {
    lines.push(`unsupported (${unsupported.length}):`);
    for (const d of unsupported) {
      if (d.spec.kind === 'unsupported') lines.push(`  ${d.keyPath} (${d.file}): ${d.spec.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One generation per loaded file (a file with an array time frame is several definitions). */
function generations(definitions: readonly MetricDefinition[]): string[] {
  const byFile = new Map(definitions.map((d) => [d.file, SCHEMA_GENERATION_LABELS[schemaGeneration(d.raw)]]));
  return [...byFile.values()];
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `a 3, b 1`, largest first, ties by name: stable output for people and tests. */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  return sorted.length > 0 ? sorted.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}
