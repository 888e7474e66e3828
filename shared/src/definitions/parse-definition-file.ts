/**
 * One YAML file → the metric definitions it declares (one per expanded time frame) or the
 * problems that stop it from loading. Pure: the caller reads the file and passes its text.
 */
import type { DefinitionProblem } from '../errors';
import type { DefinitionKind } from './definition-kind';
import type { DefinitionYaml, YamlStatus, YamlTimeFrame } from './definition-schema';
import { toMetricSpec } from './metric-spec';
import { validateDefinitionShape } from './schema-validator';
import { readYamlMapping } from './yaml-mapping';
import type { MetricDefinition, MetricStatus, TimeFrame } from './types';

/** One YAML file of the dictionary as read from disk: the collector reads, `shared` parses. */
export interface DefinitionFile {
  /** Path relative to the dictionary root; named in every problem. */
  path: string;
  text: string;
}

/** What loading yields: the valid definitions and every problem found (empty when all are valid). */
export interface DictionaryResult {
  definitions: MetricDefinition[];
  problems: DefinitionProblem[];
}

/** GitLab's pre-14 statuses, read as today's lifecycle (docs/metric-definitions.md). */
const STATUS_ALIASES: Readonly<Record<YamlStatus, MetricStatus>> = {
  active: 'active',
  broken: 'broken',
  deprecated: 'deprecated',
  removed: 'removed',
  data_available: 'active',
  implemented: 'active',
  not_used: 'deprecated',
};

/** GitLab's MetricDefinition expansion suffixes for array time frames. */
const TIME_FRAME_SUFFIX: Readonly<Record<Exclude<YamlTimeFrame, 'none'>, string>> = {
  '7d': '_weekly',
  '28d': '_monthly',
  all: '',
};

/**
 * Parses and validates one YAML file into its definitions (several when `time_frame` is an
 * array), each resolved by the kind of `kinds` that claims its class. Never throws: a bad file
 * yields no definitions and problems naming file, key_path and field.
 */
export function parseDefinitionFile(
  file: DefinitionFile,
  kinds: readonly DefinitionKind[],
): DictionaryResult {
  const read = readYamlMapping(file.path, file.text, 'key_path, description');
  if (read.problems) return { definitions: [], problems: read.problems };
  const rawDoc = read.mapping;
  const keyPath = typeof rawDoc.key_path === 'string' ? rawDoc.key_path : undefined;
  const normalized = normalize(rawDoc);

  const issues = validateDefinitionShape(normalized, kinds);
  if (issues.length > 0) {
    return {
      definitions: [],
      problems: issues.map((issue) => ({
        file: file.path,
        ...(keyPath ? { keyPath } : {}),
        field: issue.field,
        message: issue.message,
      })),
    };
  }
  const doc = normalized as unknown as DefinitionYaml;

  const definitions: MetricDefinition[] = [];
  const problems: DefinitionProblem[] = [];
  for (const { keyPath: expandedKeyPath, timeFrame } of expandTimeFrames(doc)) {
    const { spec, issues: specIssues } = toMetricSpec(doc, timeFrame, kinds);
    if (specIssues.length > 0) {
      problems.push(
        ...specIssues.map((issue) => ({
          file: file.path,
          keyPath: expandedKeyPath,
          field: issue.field,
          message: issue.message,
        })),
      );
      continue;
    }
    definitions.push({
      keyPath: expandedKeyPath,
      file: file.path,
      description: doc.description ?? '',
      productGroup: doc.product_group,
      valueType: doc.value_type,
      status: STATUS_ALIASES[doc.status],
      timeFrame,
      dataSource: doc.data_source,
      dataCategory: doc.data_category ?? 'optional',
      ...(doc.instrumentation_class ? { instrumentationClass: doc.instrumentation_class } : {}),
      spec,
      raw: rawDoc,
    });
  }
  return { definitions, problems };
}

/**
 * GitLab's instrumentation classes live in this module; its docs (metrics_instrumentation.md) and
 * some files name them in full, which means the same class as the short name.
 */
const INSTRUMENTATIONS_MODULE = 'Gitlab::Usage::Metrics::Instrumentations::';

/**
 * `data_category` is case-insensitive in GitLab's files (`Operational` = `operational`), and an
 * instrumentation class may be written with its module.
 */
function normalize(doc: Record<string, unknown>): Record<string, unknown> {
  const out = { ...doc };
  if (typeof doc.data_category === 'string') out.data_category = doc.data_category.toLowerCase();
  if (
    typeof doc.instrumentation_class === 'string' &&
    doc.instrumentation_class.startsWith(INSTRUMENTATIONS_MODULE)
  ) {
    out.instrumentation_class = doc.instrumentation_class.slice(INSTRUMENTATIONS_MODULE.length);
  }
  return out;
}

/**
 * The key_paths a definition stands for: one per time frame of an array `time_frame`, suffixed
 * `_weekly` (7d) or `_monthly` (28d) as GitLab does, `all` unsuffixed; a single frame keeps its
 * key_path.
 */
export function expandTimeFrames(doc: Pick<DefinitionYaml, 'key_path' | 'time_frame'>): {
  keyPath: string;
  timeFrame: TimeFrame;
}[] {
  if (!Array.isArray(doc.time_frame)) return [{ keyPath: doc.key_path, timeFrame: doc.time_frame }];
  return doc.time_frame.map((tf) => ({ keyPath: `${doc.key_path}${TIME_FRAME_SUFFIX[tf]}`, timeFrame: tf }));
}
