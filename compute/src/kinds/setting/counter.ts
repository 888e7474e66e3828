import { ServpingError, type MetricSpec } from '@servping/shared';
import type { Counter } from '../../compute-context';
import { toMetricValue } from '../to-metric-value';

/**
 * A collector setting. Settings are a fixed, known set, so a name that is not there is a mistake
 * in the definition and fails (-1 with the name) instead of quietly reporting null.
 */
export const computeSetting: Counter<Extract<MetricSpec, { kind: 'setting' }>> = async (
  spec,
  _metric,
  ctx,
  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw into the rejection withDeadline expects of every Counter
) => {
  if (!Object.hasOwn(ctx.settings, spec.name)) {
    throw new ServpingError('SERVPING_UNSUPPORTED_METRIC', `unknown setting '${spec.name}'`);
  }
  return { value: toMetricValue(ctx.settings[spec.name], `setting '${spec.name}'`) };
};
