import { classOptionsRule, specInvalid, specOk, withOptions } from '@servping/shared';
import type { DefinitionKind, SpecResult, UniqueIdentifier } from '@servping/shared';
import { aggregatedOptionsSchema, type AggregatedOptionsYaml } from './options';

const AGGREGATED_CLASS = 'AggregatedMetric';

/**
 * GitLab's AggregatedMetric writes `attribute` as `user_id`/`project_id` and Internal Events as
 * `user.id`/`project.id`; it maps the former onto the latter (aggregated_metric.rb,
 * ALLOWED_ATTRIBUTES_MAP).
 */
const ATTRIBUTES: Readonly<Record<string, UniqueIdentifier>> = {
  user_id: 'user.id',
  project_id: 'project.id',
  'user.id': 'user.id',
  'project.id': 'project.id',
  'namespace.id': 'namespace.id',
};

/** AggregatedMetric over Redis events, Internal Events, or estimate_distinct_count metrics of the run. */
export const aggregatedDefinition: DefinitionKind = {
  classes: [AGGREGATED_CLASS],
  schemaRules: [
    classOptionsRule(AGGREGATED_CLASS, aggregatedOptionsSchema, {
      dataSource: { enum: ['redis_hll', 'database', 'internal_events'] },
    }),
  ],
  resolve: ({ doc, timeFrame }) =>
    withOptions(aggregatedOptionsSchema, doc, (options) => {
      const source =
        doc.data_source === 'database' || doc.data_source === 'internal_events'
          ? doc.data_source
          : 'redis_hll';
      if (source !== 'database' && (timeFrame === 'all' || timeFrame === 'none')) {
        return specInvalid([
          {
            field: '/time_frame',
            message: `aggregation time frame '${timeFrame}' is not allowed for aggregation with source '${source}' (Redis keeps weekly keys only: use 7d or 28d)`,
          },
        ]);
      }
      const operator = options.aggregate.operator ?? 'OR';
      if (source !== 'internal_events')
        return specOk({ kind: 'aggregated', source, operator, events: [...options.events] });
      return internalEventsAggregate(options, operator);
    }),
};

/** The union of the events' unique counts of `attribute`: the sketches the tracking API keeps for it. */
function internalEventsAggregate(options: AggregatedOptionsYaml, operator: 'OR' | 'AND'): SpecResult {
  const unique =
    options.aggregate.attribute === undefined ? undefined : ATTRIBUTES[options.aggregate.attribute];
  if (unique === undefined || operator !== 'OR') {
    return specInvalid([
      {
        field: unique === undefined ? '/options/aggregate/attribute' : '/options/aggregate/operator',
        message:
          unique === undefined
            ? `must name what is counted (${Object.keys(ATTRIBUTES).join(', ')}) for data_source internal_events`
            : 'must be OR (or absent) for data_source internal_events: GitLab only unites Internal Events',
      },
    ]);
  }
  return specOk({
    kind: 'aggregated',
    source: 'internal_events',
    operator,
    events: [...options.events],
    unique,
  });
}
