/**
 * Decides what servping computes for one (expanded) definition: the `instrumentation_class` and
 * `options` select a `MetricSpec`. Definitions that are valid but name computation only GitLab's
 * Ruby code can do resolve to `unsupported` with a reason, which is not a problem.
 */
import { resolveDatabaseQuery } from './database-query';
import { counterKey } from '../redis-metrics/counter-key';
import {
  AGGREGATED_CLASS,
  DATABASE_CLASS,
  LICENSE_CLASS,
  NUMBERS_CLASS,
  PROMETHEUS_CLASS,
  REDIS_CLASS,
  REDIS_HLL_CLASS,
  SETTING_CLASS,
  type AggregatedOptionsYaml,
  type DatabaseOptionsYaml,
  type DefinitionYaml,
  type LicenseOptionsYaml,
  type NumbersOptionsYaml,
  type PrometheusOptionsYaml,
  type RedisHllOptionsYaml,
  type RedisOptionsYaml,
  type SettingOptionsYaml,
} from './definition-schema';
import type { SchemaIssue } from './schema-validator';
import type { MetricSpec, SystemFact, TimeFrame } from './types';

/** GitLab's system instrumentation classes and the fact each reports. */
export const SYSTEM_CLASSES: Readonly<Record<string, SystemFact>> = {
  UuidMetric: 'uuid',
  HostnameMetric: 'hostname',
  VersionMetric: 'version',
  EditionMetric: 'edition',
  InstallationTypeMetric: 'installation_type',
  RecordedAtMetric: 'recorded_at',
  DatabaseAdapterMetric: 'database_adapter',
  DatabaseVersionMetric: 'database_version',
  DatabasePgSystemIdMetric: 'database_pg_system_id',
  DatabaseFlavorMetric: 'database_flavor',
  CollectedDataCategoriesMetric: 'collected_data_categories',
};

export const DECLARATIVE_CLASSES = [
  DATABASE_CLASS,
  REDIS_CLASS,
  REDIS_HLL_CLASS,
  AGGREGATED_CLASS,
  NUMBERS_CLASS,
  SETTING_CLASS,
  LICENSE_CLASS,
  PROMETHEUS_CLASS,
  ...Object.keys(SYSTEM_CLASSES),
] as const;

/** A definition resolved to the computation servping runs for it, with any problems found. */
export interface SpecResult {
  spec: MetricSpec;
  /** Problems with the definition; when non-empty, `spec` must not be used. */
  issues: SchemaIssue[];
}

const ok = (spec: MetricSpec): SpecResult => ({ spec, issues: [] });
const unsupported = (reason: string): SpecResult => ok({ kind: 'unsupported', reason });
const invalid = (issues: SchemaIssue[]): SpecResult => ({
  spec: { kind: 'unsupported', reason: 'invalid definition' },
  issues,
});

/**
 * @param doc a document that passed the schema
 * @param timeFrame the single time frame of this (expanded) metric
 */
export function toMetricSpec(doc: DefinitionYaml, timeFrame: TimeFrame): SpecResult {
  const cls = doc.instrumentation_class;
  const options = doc.options ?? undefined;

  if (doc.data_source === 'internal_events') {
    return unsupported(
      'an internal_events metric is counted by GitLab Internal Events (TotalCountMetric/UniqueCountMetric keys), which servping does not implement',
    );
  }
  if (cls === undefined) {
    if (doc.data_source === 'database' && options && 'operation' in options) {
      return database(options as unknown as DatabaseOptionsYaml, doc.value_type);
    }
    return unsupported(withoutClassReason(doc));
  }

  const fact = SYSTEM_CLASSES[cls];
  if (fact) return ok({ kind: 'system', fact });

  switch (cls) {
    case DATABASE_CLASS:
      return database(options as unknown as DatabaseOptionsYaml, doc.value_type);
    case REDIS_CLASS:
      return redisCounter(options as unknown as RedisOptionsYaml);
    case REDIS_HLL_CLASS:
      return redisHll(doc, options as unknown as RedisHllOptionsYaml | undefined, timeFrame);
    case AGGREGATED_CLASS:
      return aggregated(doc, options as unknown as AggregatedOptionsYaml, timeFrame);
    case NUMBERS_CLASS:
      return ok({ kind: 'add', keyPaths: [...(options as unknown as NumbersOptionsYaml).metrics] });
    case SETTING_CLASS:
      return ok({ kind: 'setting', name: (options as unknown as SettingOptionsYaml).setting });
    case LICENSE_CLASS:
      return ok({ kind: 'license', field: (options as unknown as LicenseOptionsYaml).field });
    case PROMETHEUS_CLASS:
      return ok({ kind: 'prometheus', query: (options as unknown as PrometheusOptionsYaml).query });
    default:
      return unsupported(
        `instrumentation class ${cls} is Ruby code in GitLab; servping runs only declarative classes (DatabaseMetric, RedisMetric, RedisHLLMetric, AggregatedMetric, NumbersMetric, SettingMetric, LicenseMetric, PrometheusMetric and the system classes)`,
      );
  }
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
    default:
      return `no instrumentation_class for data_source ${doc.data_source}: nothing declares how to compute it`;
  }
}

function database(options: DatabaseOptionsYaml, valueType: string): SpecResult {
  const resolved = resolveDatabaseQuery(options, valueType);
  return resolved.query ? ok({ kind: 'database', query: resolved.query }) : invalid(resolved.issues);
}

function redisCounter(options: RedisOptionsYaml): SpecResult {
  if (!('prefix' in options)) {
    if (options.counter_class) {
      return unsupported(
        `legacy option counter_class ${options.counter_class}: the key prefix lives in that Ruby class; add options.prefix to count it`,
      );
    }
    return invalid([
      {
        field: '/options/prefix',
        message: 'is required (the key prefix, or null for none) (instrumentation_class RedisMetric)',
      },
    ]);
  }
  const key = counterKey({
    event: options.event,
    prefix: options.prefix ?? null,
    includeUsagePrefix: options.include_usage_prefix ?? true,
  });
  return ok({ kind: 'redis_counter', key });
}

function redisHll(
  doc: DefinitionYaml,
  options: RedisHllOptionsYaml | undefined,
  timeFrame: TimeFrame,
): SpecResult {
  const issues: SchemaIssue[] = [];
  const fromOptions = options?.events;
  const fromEvents = doc.events?.map((e) => e.name);
  if (fromOptions && fromEvents) {
    issues.push({
      field: '/events',
      message: 'give the events either in options.events or in events, not both',
    });
  } else if (!fromOptions && !fromEvents) {
    issues.push({
      field: '/options/events',
      message: 'is required: RedisHLLMetric needs options.events or events[].name',
    });
  }
  const uniques = new Set((doc.events ?? []).map((e) => e.unique));
  if (uniques.size > 1) {
    issues.push({
      field: '/events',
      message: `all events must count the same unique attribute; got ${[...uniques].map((u) => u ?? 'none').join(', ')}`,
    });
  }
  if (timeFrame !== '7d' && timeFrame !== '28d') {
    issues.push({
      field: '/time_frame',
      message: `RedisHLLMetric counts ISO weeks: time_frame must be 7d or 28d; got ${timeFrame}`,
    });
  }
  if (issues.length > 0) return invalid(issues);
  return ok({ kind: 'redis_hll', events: [...((fromOptions ?? fromEvents) as string[])] });
}

function aggregated(doc: DefinitionYaml, options: AggregatedOptionsYaml, timeFrame: TimeFrame): SpecResult {
  const source = doc.data_source === 'database' ? 'database' : 'redis_hll';
  if (source === 'redis_hll' && (timeFrame === 'all' || timeFrame === 'none')) {
    return invalid([
      {
        field: '/time_frame',
        message: `aggregation time frame '${timeFrame}' is not allowed for aggregation with source '${source}' (Redis keeps weekly keys only: use 7d or 28d)`,
      },
    ]);
  }
  return ok({
    kind: 'aggregated',
    source,
    operator: options.aggregate.operator,
    events: [...options.events],
  });
}
