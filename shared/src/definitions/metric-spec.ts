/**
 * Decides what servping computes for one (expanded) definition: the `instrumentation_class`
 * selects the kind that resolves it (`DefinitionKind`), whose resolver reads the `options`.
 * Definitions that are valid but name computation only GitLab's Ruby code can do resolve to
 * `unsupported` with a reason, which is not a problem.
 */
import { specUnsupported, type DefinitionKind, type SpecResult } from './definition-kind';
import type { DefinitionYaml } from './definition-schema';
import type { TimeFrame } from './types';

/**
 * @param doc a document that passed the schema of `kinds`
 * @param timeFrame the single time frame of this (expanded) metric
 * @param kinds every kind servping runs, each claiming its instrumentation classes
 */
export function toMetricSpec(
  doc: DefinitionYaml,
  timeFrame: TimeFrame,
  kinds: readonly DefinitionKind[],
): SpecResult {
  const className = doc.instrumentation_class;
  if (className === undefined) {
    const kind = kinds.find((k) => k.claimsClassless?.(doc));
    return kind ? kind.resolve({ doc, timeFrame }) : specUnsupported(withoutClassReason(doc));
  }
  const kind = kinds.find((k) => k.classes.includes(className));
  if (kind) return kind.resolve({ doc, timeFrame, className });
  return specUnsupported(
    `instrumentation class ${className} is Ruby code in GitLab; servping runs only declarative classes (${declarativeClasses(kinds)})`,
  );
}

/** The classes of `kinds`, a family of system classes (`…Metric` facts) named once. */
function declarativeClasses(kinds: readonly DefinitionKind[]): string {
  const single = kinds.filter((k) => k.classes.length === 1).map((k) => k.classes[0]);
  const families = kinds.some((k) => k.classes.length > 1) ? ['the system classes'] : [];
  const names = [...single, ...families];
  return names.length > 1
    ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
    : names.join('');
}

function withoutClassReason(doc: DefinitionYaml): string {
  if (doc.status === 'removed') return 'removed metric without instrumentation: never computed';
  switch (doc.data_source) {
    case 'database':
      return 'no instrumentation_class and no options.operation: GitLab computes it in Ruby (usage_data.rb); add declarative database options to run it';
    case 'redis':
      return 'legacy Redis counter without instrumentation_class RedisMetric: its key is only known to GitLab Ruby code';
    case 'redis_hll':
      return 'legacy Redis HLL metric without instrumentation_class RedisHLLMetric: its events are only known to GitLab Ruby code';
    case 'ruby':
      return 'data_source ruby without instrumentation_class: GitLab computes it in Ruby (usage_data.rb)';
    default:
      return `no instrumentation_class for data_source ${doc.data_source}: nothing declares how to compute it`;
  }
}
