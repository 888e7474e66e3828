import type { KindModule } from '../kind-module';
import { computePrometheus } from './counter';
import { prometheusDefinition } from './resolve';

/** GitLab's PrometheusMetric: one instant query. */
export const prometheusKind: KindModule<'prometheus'> = {
  kind: 'prometheus',
  counter: computePrometheus,
  definition: prometheusDefinition,
};
