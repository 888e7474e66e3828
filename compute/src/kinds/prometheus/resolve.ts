import { classOptionsRule, specOk, withOptions, type DefinitionKind } from '@servping/shared';
import { prometheusOptionsSchema } from './options';

const PROMETHEUS_CLASS = 'PrometheusMetric';

/** PrometheusMetric: the PromQL instant query. */
export const prometheusDefinition: DefinitionKind = {
  classes: [PROMETHEUS_CLASS],
  schemaRules: [
    classOptionsRule(PROMETHEUS_CLASS, prometheusOptionsSchema, { dataSource: { const: 'prometheus' } }),
  ],
  resolve: ({ doc }) =>
    withOptions(prometheusOptionsSchema, doc, (options) =>
      specOk({ kind: 'prometheus', query: options.query }),
    ),
};
