import { nonEmptyStringSchema, objectSchema, type OptionsSchema } from '@servping/shared';

/** `options` of a PrometheusMetric. */
export interface PrometheusOptionsYaml {
  query: string;
}

export const prometheusOptionsSchema: OptionsSchema<PrometheusOptionsYaml> =
  objectSchema<PrometheusOptionsYaml>({ query: nonEmptyStringSchema }, ['query']);
