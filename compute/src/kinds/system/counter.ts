import type { InstanceFacts, MetricSpec, MetricValue, SystemFact } from '@servping/shared';
import type { ComputeContext, Counter } from '../../compute-context';

/**
 * One reader per system fact (GitLab's UuidMetric, HostnameMetric, … DatabaseFlavorMetric).
 * A Record keyed by the closed set, so adding a fact without a reader does not compile.
 */
const FACT_READERS: Readonly<Record<SystemFact, (facts: InstanceFacts, recordedAt: Date) => MetricValue>> = {
  uuid: (f) => f.uuid,
  hostname: (f) => f.hostname,
  version: (f) => f.version,
  edition: (f) => f.edition,
  installation_type: (f) => f.installationType,
  recorded_at: (_f, recordedAt) => recordedAt.toISOString(),
  database_adapter: (f) => f.database.adapter,
  database_version: (f) => f.database.version,
  database_pg_system_id: (f) => f.database.pgSystemId,
  database_flavor: (f) => f.database.flavor,
  // GitLab sends an array; MetricValue has no array form, so the categories travel as
  // comma-separated text in a fixed order until the payload contract grows one.
  collected_data_categories: (f) => [...f.collectedDataCategories].join(','),
};

/** The run's own clock, not the facts' read time: every metric of a run reports one recorded_at. */
export function systemFactValue(
  fact: SystemFact,
  ctx: Pick<ComputeContext, 'facts' | 'recordedAt'>,
): MetricValue {
  return FACT_READERS[fact](ctx.facts, ctx.recordedAt);
}

export const computeSystemFact: Counter<Extract<MetricSpec, { kind: 'system' }>> = async (
  spec,
  _metric,
  ctx,
  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into the rejection withDeadline expects of every Counter
) => ({
  value: systemFactValue(spec.fact, ctx),
});
