import { classOptionsRule, specInvalid, specOk, withOptions, type DefinitionKind } from '@servping/shared';
import { aggregatedOptionsSchema } from './options';

const AGGREGATED_CLASS = 'AggregatedMetric';

/** AggregatedMetric over Redis events, or over estimate_distinct_count metrics of the run. */
export const aggregatedDefinition: DefinitionKind = {
  classes: [AGGREGATED_CLASS],
  schemaRules: [
    classOptionsRule(AGGREGATED_CLASS, aggregatedOptionsSchema, {
      dataSource: { enum: ['redis_hll', 'database'] },
    }),
  ],
  resolve: ({ doc, timeFrame }) =>
    withOptions(aggregatedOptionsSchema, doc, (options) => {
      const source = doc.data_source === 'database' ? 'database' : 'redis_hll';
      if (source === 'redis_hll' && (timeFrame === 'all' || timeFrame === 'none')) {
        return specInvalid([
          {
            field: '/time_frame',
            message: `aggregation time frame '${timeFrame}' is not allowed for aggregation with source '${source}' (Redis keeps weekly keys only: use 7d or 28d)`,
          },
        ]);
      }
      return specOk({
        kind: 'aggregated',
        source,
        operator: options.aggregate.operator ?? 'OR',
        events: [...options.events],
      });
    }),
};
